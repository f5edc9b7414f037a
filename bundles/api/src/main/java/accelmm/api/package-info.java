/**
 * The accelmm API root: error numbers ({@link accelmm.api.Errno}), the exception that carries them
 * ({@link accelmm.api.ErrnoException}) and page-size constants ({@link accelmm.api.PageSize}).
 *
 * <p>Sub-packages follow the kernel's layout: {@code idr} for ID registries and, as the memory
 * manager grows, {@code mm}, {@code notifier}, {@code mmu}, {@code dma}, {@code dmabuf},
 * {@code hmm}, {@code gmem}, {@code device} and {@code uapi.*}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package accelmm.api;
