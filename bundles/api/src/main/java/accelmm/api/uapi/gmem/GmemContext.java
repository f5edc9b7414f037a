package accelmm.api.uapi.gmem;

import accelmm.api.gmem.GmMmuMode;

/**
 * The reply to {@link GmemAttach}.
 *
 * @param asId the GMEM address space id
 * @param devId the GMEM device id
 * @param mode the MMU mode
 */
public record GmemContext(int asId, int devId, GmMmuMode mode) {
}
