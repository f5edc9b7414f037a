/**
 * GPU virtual memory ({@code drm_gpuvm}): a VM's page table, its mappings ({@link accelmm.api.gpuvm.GpuVa}:
 * CPU-address mirrors, userptrs, BOs) and memory attributes, as api state a driver keeps in its
 * device's registry across updates.
 *
 * <h2>Overview</h2>
 * A mapping never overlaps another of a different kind except where the driver allows it (a BO
 * bound inside a mirror takes that part of the mirror: {@link accelmm.api.gpuvm.GpuVm#carve}).
 *
 * <h2>Locking</h2>
 * Everything is guarded by the device lock.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * GpuVm vm = new GpuVm(id, file, true, pgtable, dev.gpuSvms().create(file, pgtable, ...));
 * vm.vas().add(GpuVa.mirror(0, 1L << 47, false));
 * vm.carve(va, va + size, GpuVa.Kind.MIRROR);          // a BO goes inside the mirror
 * vm.vas().add(new GpuVa(va, va + size, GpuVa.Kind.BO, handle, 0));
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package accelmm.api.gpuvm;
