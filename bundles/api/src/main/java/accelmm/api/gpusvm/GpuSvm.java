package accelmm.api.gpusvm;

import accelmm.api.Errno;
import accelmm.api.device.DeviceFile;
import accelmm.api.mmu.IoPgtable;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A GPU SVM ({@code struct drm_gpusvm}) of one VM: the process's address space mirrored on the GPU
 * in ranges of the configured chunk sizes, each inside an interval-notifier window, bound in the
 * VM's page table. The core keeps its notifiers, ranges and the device-wide LRU, serves its
 * invalidations (zap the GPU mapping; for an unmap, mark the range and queue it for the garbage
 * collector) even while the driver is being replaced, and runs the fault protocol; the driver
 * decides placement and eviction ({@link GpuSvmPolicy}).
 *
 * <p>Concurrency: {@link #fault} and {@link #destroy} take the device lock themselves and must be
 * called without it; the other methods run under it.
 */
@ProviderType
public interface GpuSvm {
    /** Returns its number on the device. */
    int id();

    /** Returns the file whose process it mirrors. */
    DeviceFile file();

    /** Returns the GPU page table its ranges are bound in. */
    IoPgtable pgtable();

    /** Returns the range holding {@code addr}, or null. */
    GpuSvmRange rangeAt(long addr);

    /** Returns true if a range overlaps {@code [start, end)}. */
    boolean overlaps(long start, long end);

    /** Marks a range used now (the LRU order of device-memory eviction). */
    void touch(GpuSvmRange range);

    /**
     * Marks the page at {@code page} of {@code range} accessed: a page a prefetch brought in counts
     * as used (the report's prefetched pages used and wasted). Cheap when the range has none left.
     *
     * <p>Context: under the device lock.
     */
    void touchPage(GpuSvmRange range, long page);

    /**
     * Resolves a GPU fault at {@code addr} inside the mirror or userptr bind {@code [vaStart, vaEnd)},
     * as {@code xe_svm_handle_pagefault} with the {@code drm_gpusvm} helpers: collect garbage; find
     * or insert the range (the largest chunk that fits the VMA, the notifier window, the bind and
     * the other ranges); migrate it to device memory when the policy wants it (anonymous memory
     * only, the whole range or nothing, evicting through the policy when full); get its pages
     * through the notifier retry protocol (a mix of device and system pages is evicted and
     * retried); bind them unless an invalidation ran meanwhile, else start over, as often as it
     * happens.
     *
     * <p>Context: a call without the device lock; takes the mmap lock for reading in between.
     *
     * @return null once the page at {@code addr} is bound, or the errno that ends the GPU's access:
     *     {@code ENOENT} no VMA at the address, {@code EPERM} a write to read-only memory,
     *     {@code EINVAL} no chunk fits, {@code EFAULT}/{@code EBUSY} from the page fault, and
     *     {@code EFAULT} when a fault would map nothing at the address
     * @throws accelmm.api.ErrnoException other failures (the call fails): {@code ENOMEM}, {@code ENODEV}
     */
    Errno fault(long addr, boolean write, long vaStart, long vaEnd, boolean userptr, GpuSvmPolicy policy);

    /**
     * Unbinds and removes every range and lets the notifiers go; device pages stay with the
     * process (they migrate back when it touches them).
     *
     * <p>Context: a call without the device lock.
     */
    void destroy();
}
