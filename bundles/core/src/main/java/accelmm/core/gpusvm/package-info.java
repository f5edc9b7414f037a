/**
 * The GPU SVM helper ({@code drm_gpusvm}): ranges in chunk sizes inside notifier windows, the
 * fault protocol, the garbage collector of unmapped ranges, migration to and from device memory, the
 * device-wide LRU of ranges in device memory, and invalidations the core serves itself.
 *
 * <h2>Locking</h2>
 * Ranges, notifiers and the LRU are guarded by the device lock; migrations and evictions run
 * without it, under the address space's locks.
 *
 * <h2>State it owns</h2>
 * Every GPU SVM of a device, their ranges and notifiers, and the LRU.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * GpuSvm svm = dev.gpuSvms().create(file, pgtable, 512L << 20, chunks, "xe");
 * Errno stop = svm.fault(addr, write, mirrorStart, mirrorEnd, false, policy);
 * }</pre>
 */
package accelmm.core.gpusvm;
