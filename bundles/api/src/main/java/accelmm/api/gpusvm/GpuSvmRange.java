package accelmm.api.gpusvm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One range of a GPU SVM ({@code struct drm_gpusvm_range}): a power-of-two chunk of the process's
 * address space, inside one notifier window, with the pages its last get-pages found and whether
 * they are bound on the GPU. Ranges are never split: a partial unmap queues the whole range for
 * removal and the next fault makes a new one.
 *
 * <p>Concurrency: read under the device lock; the core changes it.
 */
@ProviderType
public interface GpuSvmRange {
    /** Returns the first address. */
    long start();

    /** Returns one past the last address. */
    long end();

    /** Returns true if the CPU mapping was writable when it was made (GPU writes are allowed). */
    boolean writable();

    /** Returns true for a range of a userptr bind: its pages are always faulted into system memory. */
    boolean userptr();

    /** Returns true while its pages are bound in the GPU page table. */
    boolean mapped();

    /** Returns true once an unmap reached it ({@code drm_gpusvm_range_set_unmapped}). */
    boolean unmapped();

    /** Returns true if the unmap covered only part of it ({@code partial_unmap}). */
    boolean partialUnmap();

    /** Returns true if its pages are in device memory ({@code has_devmem_pages}). */
    boolean devmem();

    /** Returns the tick of the device's LRU clock at its last use. */
    long lastUse();
}
