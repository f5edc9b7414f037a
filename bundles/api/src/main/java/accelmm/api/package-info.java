/**
 * The accelmm API: what drivers, the shell, workloads and tests see of the core. The root holds the
 * error numbers ({@link accelmm.api.Errno}), the exception that carries one with a sentence
 * ({@link accelmm.api.ErrnoException}) and the page-size constants ({@link accelmm.api.PageSize}).
 *
 * <h2>Overview</h2>
 * The sub-packages follow the kernel's layout:
 * <ul>
 * <li>{@code mm}: memory nodes, processes and their address spaces, shmem and hugetlbfs files,
 *     stamps, shrinkers; {@code notifier}: interval notifiers; {@code hmm}: {@code hmm_range_fault},
 *     migration, device page maps;
 * <li>{@code mmu}: io-pgtables, {@code drm_mm}, {@code drm_buddy}, the GNA MMU, address-space slots
 *     and the GPU engine's access loop; {@code dma}: DMA devices, scatter-gather, dma-bufs and heaps;
 * <li>{@code device}: the driver model (devices, files, typed ioctls, the state the core keeps for a
 *     driver, the lock order); {@code gem}: GEM objects and GEM-shmem; {@code gpuvm} and
 *     {@code gpusvm}: GPU VMs and the core's SVM helper; {@code gmem}: the GMEM framework;
 * <li>{@code idr}: ID registries; {@code lockdep}: the lock-order checker; {@code cli}: what shell
 *     commands share; {@code uapi.*}: each driver's requests and replies.
 * </ul>
 *
 * <h2>Locking</h2>
 * Every call that can fail answers an {@link accelmm.api.ErrnoException} with the kernel's errno and
 * a sentence, and changes nothing then. The order in which the core's locks nest is written once,
 * in the {@code accelmm.api.device} package description.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * try {
 *     p.mm().munmap(addr, length);
 * } catch (ErrnoException e) {
 *     if (e.errno() == Errno.EINVAL) { ... }   // e.getMessage(): "EINVAL: munmap(0x1001, 4096): ..."
 * }
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package accelmm.api;
