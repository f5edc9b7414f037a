package accelmm.api.hmm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Device memory registered as device-private pages ({@code memremap_pages} with
 * {@code MEMORY_DEVICE_PRIVATE}): pages of the node can be migrated into CPU address spaces, where
 * the CPU cannot touch them; a touch calls the owner's {@link PagemapOps#migrateToRam}.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface DevicePagemap {
    /** Returns the device memory node id. */
    int node();

    /** Returns the owner ({@code pgmap->owner}). */
    Object owner();

    /**
     * Unregisters the pagemap.
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} while any of its pages is mapped in an
     *     address space
     */
    void unregister();
}
