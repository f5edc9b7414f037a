package accelmm.api.uapi.gmem;

import accelmm.api.gmem.GmMmuMode;

/**
 * Attaches the calling process to the device: creates the process's GMEM address space if it has
 * none (over the whole user range) and attaches the device in {@code mode}. Reply:
 * {@link GmemContext}.
 *
 * <p>Errors: {@code EEXIST} if the device is already attached to the process; {@code EOPNOTSUPP}
 * for a mode the device cannot do; {@code EINVAL} for a null mode.
 *
 * @param mode the MMU mode
 */
public record GmemAttach(GmMmuMode mode) implements GmemIoctl<GmemContext> {
}
