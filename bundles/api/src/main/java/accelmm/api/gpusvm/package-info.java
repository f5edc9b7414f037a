/**
 * Shared virtual memory for GPUs ({@code drm_gpusvm}): the core's helper that mirrors a process on
 * a device in ranges, with notifiers, the retry protocol, garbage collection of unmapped ranges,
 * migration to and from device memory, and a device-wide LRU for eviction.
 *
 * <h2>Overview</h2>
 * A driver makes one {@link accelmm.api.gpusvm.GpuSvm} per fault-mode VM
 * ({@link accelmm.api.gpusvm.GpuSvms#create}) and calls {@link accelmm.api.gpusvm.GpuSvm#fault} when
 * its GPU faults; the helper decides nothing about placement: a {@link accelmm.api.gpusvm.GpuSvmPolicy}
 * given to each fault answers where a range should live and how to make room. The state (ranges,
 * notifiers, the LRU) is the core's, so a driver update keeps every range bound, and invalidations
 * are served by the core even while no driver is bound.
 *
 * <h2>Locking</h2>
 * Ranges and the GPU page table are guarded by the device lock. Invalidations take it with the mmap
 * lock held (without waiting when they may not block), so the fault protocol takes it only to find
 * or insert a range and to bind, never across a VMA lookup, a notifier insertion or removal, a page
 * fault, a migration or an eviction.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * GpuSvm svm = dev.gpuSvms().create(file, pgtable, 512L << 20, new long[] {2 << 20, 64 << 10, 4096}, "xe");
 * Errno stop = svm.fault(addr, write, mirrorStart, mirrorEnd, false, policy);
 * if (stop != null) {
 *     return failedExec(addr, stop);      // the access cannot be served
 * }
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package accelmm.api.gpusvm;
