package accelmm.api.hmm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Device memory registered as device-private pages ({@code memremap_pages} with
 * {@code MEMORY_DEVICE_PRIVATE}): pages of the node can be migrated into CPU address spaces, where
 * the CPU cannot touch them; a touch calls the owner's {@link PagemapOps#migrateToRam}. A
 * device-coherent pagemap ({@link #coherent()}) is mapped for the CPU instead, which reads and
 * writes it in place.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface DevicePagemap {
    /** Returns the device memory node id. */
    int node();

    /** Returns the owner ({@code pgmap->owner}). */
    Object owner();

    /** Returns true for device-coherent memory ({@code MEMORY_DEVICE_COHERENT}), false for device-private. */
    default boolean coherent() {
        return false;
    }

    /**
     * Evicts device pages {@code [firstPfn, firstPfn + count)} to system memory without any address
     * space's mmap lock ({@code migrate_device_range}): every CPU mapping of each page is replaced,
     * under a {@code MIGRATE} invalidation naming the owner, by one host copy (shared copy-on-write
     * when several processes mapped it). Pages not mapped anywhere are left alone.
     *
     * @return the number of device pages evicted
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if host memory runs out (pages evicted so far
     *     stay evicted); {@code EINVAL} for a negative range
     */
    int evict(long firstPfn, long count);

    /**
     * Unregisters the pagemap.
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} while any of its pages is mapped in an
     *     address space
     */
    void unregister();
}
