package accelmm.api.gmem;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One device attached to one address space ({@code struct gm_context}): the mode and the device
 * page table ({@code pmap}) the driver created for it.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface GmCtx {
    /** Returns the address space. */
    GmAs as();

    /** Returns the device. */
    GmDev dev();

    /** Returns the MMU mode. */
    GmMmuMode mode();

    /** Returns what {@link GmMmu#pmapCreate} returned, or null in {@link GmMmuMode#SHARE} mode. */
    Object pmap();
}
