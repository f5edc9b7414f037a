package accelmm.api.dma;

import org.osgi.annotation.versioning.ProviderType;

import accelmm.api.mm.FdTable;

/**
 * A virtual GEM device that imports any dma-buf ({@code drivers/gpu/drm/vgem}), as test suites
 * use it to check exporters: a process opens it, imports a buffer's descriptor as a handle
 * ({@code DRM_IOCTL_PRIME_FD_TO_HANDLE}: a static attachment of the {@code vgem} DMA device and a
 * bidirectional mapping, made at import as {@code drm_gem_prime_import} does), and reads and
 * writes the buffer by DMA through that mapping. Importing the same buffer again on the same file
 * gives the same handle. Closing the handle ({@code GEM_CLOSE}) or the file unmaps, detaches and
 * drops the buffer.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface Vgem {
    /** The name of the importer's DMA device. */
    String DEVICE = "vgem";

    /**
     * Opens the device.
     *
     * @return the descriptor
     * @throws accelmm.api.ErrnoException the table's {@code EMFILE} or {@code ESRCH}
     */
    int open(FdTable table);

    /**
     * Imports a dma-buf descriptor ({@code DRM_IOCTL_PRIME_FD_TO_HANDLE}).
     *
     * @return the GEM handle, the lowest free from 1
     * @throws accelmm.api.ErrnoException {@code ENOTTY} if {@code vgemFd} is not this device;
     *     {@code EBADF} if a descriptor is not open; {@code EINVAL} if {@code dmabufFd} is not a
     *     dma-buf; the exporter's error when it refuses the attachment or the mapping (nothing
     *     stays attached)
     */
    int primeFdToHandle(FdTable table, int vgemFd, int dmabufFd);

    /**
     * Returns the mapping an import made: the DMA addresses of the vgem device.
     *
     * @throws accelmm.api.ErrnoException {@code ENOTTY} as {@link #primeFdToHandle};
     *     {@code ENOENT} for an unknown handle
     */
    SgTable table(FdTable table, int vgemFd, int handle);

    /**
     * Reads {@code len} bytes from byte {@code offset} of an imported buffer by DMA.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown handle; {@code EINVAL} for a
     *     range outside the buffer; {@code EFAULT} when the IOMMU refuses the access
     */
    void read(FdTable table, int vgemFd, int handle, long offset, byte[] dst, int off, int len);

    /**
     * Writes {@code len} bytes at byte {@code offset} of an imported buffer by DMA.
     *
     * @throws accelmm.api.ErrnoException as {@link #read}
     */
    void write(FdTable table, int vgemFd, int handle, long offset, byte[] src, int off, int len);

    /**
     * Closes a handle ({@code DRM_IOCTL_GEM_CLOSE}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOTTY} as {@link #primeFdToHandle};
     *     {@code EINVAL} for an unknown handle
     */
    void gemClose(FdTable table, int vgemFd, int handle);
}
