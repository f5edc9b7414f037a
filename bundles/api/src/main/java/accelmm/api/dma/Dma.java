package accelmm.api.dma;

import java.util.List;

import accelmm.api.mm.FdTable;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The DMA service: devices that do DMA with their IOMMUs and PCI positions, the PCI topology they
 * form, and dma-buf export, descriptors and import.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface Dma {
    /** Descriptor access mode: read only. */
    int O_RDONLY = 0;
    /** Descriptor access mode: write only. */
    int O_WRONLY = 1;
    /** Descriptor flag: read and write access. */
    int O_RDWR = 2;
    /** The access-mode bits of descriptor flags. */
    int O_ACCMODE = 3;
    /** Descriptor flag: close on exec. */
    int O_CLOEXEC = 0x80000;

    /**
     * Creates a DMA device.
     *
     * @param maxSegSize the largest DMA segment ({@code dma_set_max_seg_size})
     * @param pciPosition the PCI path ({@code rc0/sw0/name}), or null for a device without p2p
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an empty name, a size below 1 or a bad
     *     path; {@code EEXIST} for a name in use
     */
    DmaDevice createDevice(String name, long maxSegSize, String pciPosition);

    /**
     * Removes a DMA device; its later calls answer {@code ENODEV}.
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} while tables are mapped on it;
     *     {@code ENODEV} if it is not a device of this service
     */
    void removeDevice(DmaDevice device);

    /**
     * Returns a device by name.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} if there is none
     */
    DmaDevice device(String name);

    /** Returns the topology of the devices with a PCI position. */
    PciTopology topology();

    /**
     * Exports a buffer ({@code dma_buf_export}); it holds one reference, which {@link #fd} gives to
     * a descriptor or {@link DmaBuf#put()} drops.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a null {@code priv} or {@code ops},
     *     missing {@code map}/{@code unmap}/{@code release}, {@code cacheSgtMapping} with
     *     pin/unpin, only one of pin and unpin, or a size below 1
     */
    DmaBuf export(String exporter, long size, Object priv, DmaBufOps ops);

    /**
     * Installs the buffer's file at the lowest free descriptor of {@code table}
     * ({@code dma_buf_fd}). The descriptor owns a reference the caller held: the export's, or one
     * from {@link DmaBuf#get()} for a further descriptor of the same file. The buffer is complete
     * before the descriptor exists, so closing it at once from another thread is safe. The first
     * descriptor sets the file's access mode, which later ones share: without {@link #O_RDWR} the
     * file is read-only, as an exporter's file made without it, and a shared writable
     * {@link #mmap} of it is {@code EACCES}.
     *
     * @return the descriptor
     * @throws accelmm.api.ErrnoException {@code EINVAL} for flags other than {@link #O_RDWR} and
     *     {@link #O_CLOEXEC}, or a null or released buffer; the table's {@code EMFILE} or
     *     {@code ESRCH} (the caller keeps its reference)
     */
    int fd(DmaBuf buf, FdTable table, int flags);

    /**
     * Returns the buffer behind a descriptor with a reference the caller drops with
     * {@link DmaBuf#put()} ({@code dma_buf_get}).
     *
     * @throws accelmm.api.ErrnoException {@code EBADF} if the descriptor is not open;
     *     {@code EINVAL} if it is not a dma-buf
     */
    DmaBuf get(FdTable table, int fd);

    /**
     * Maps a dma-buf descriptor into an address space ({@code mmap} on the descriptor): the
     * file's access mode is checked as {@code do_mmap} does, then {@link DmaBuf#mmap} maps it.
     *
     * @return the address of the mapping
     * @throws accelmm.api.ErrnoException {@code EBADF} if the descriptor is not open;
     *     {@code EINVAL} if it is not a dma-buf, for a length of 0 or an offset that is not
     *     page-aligned; {@code EACCES} for a write-only file, or a shared writable mapping of a
     *     read-only one; as {@link DmaBuf#mmap}
     */
    long mmap(FdTable table, int fd, accelmm.api.mm.AddressSpace mm, long addr, long length, int prot, int flags,
            long offset);

    /**
     * {@code DMA_BUF_IOCTL_SYNC} on a dma-buf descriptor, as {@link DmaBuf#sync}.
     *
     * @throws accelmm.api.ErrnoException {@code EBADF} if the descriptor is not open;
     *     {@code ENOTTY} if it is not a dma-buf; as {@link DmaBuf#sync}
     */
    void sync(FdTable table, int fd, long flags);

    /** Lists the dma-buf heaps by name ({@code /dev/dma_heap/*}). */
    List<String> heaps();

    /**
     * Opens a dma-buf heap ({@code open("/dev/dma_heap/NAME")}).
     *
     * @return the descriptor
     * @throws accelmm.api.ErrnoException {@code ENOENT} for a heap that does not exist; the
     *     table's {@code EMFILE} or {@code ESRCH}
     */
    int heapOpen(FdTable table, String heap);

    /**
     * An ioctl on a heap descriptor ({@code dma_heap_ioctl}): {@code arg} is the user's struct,
     * as long as the size {@code cmd} encodes (see {@link DmaHeapIoctl}). As the kernel, the
     * command's number picks the kernel command whatever its size: a shorter struct reads as if
     * zero-filled, a longer one keeps its extra bytes, and the reply is written back over the
     * user's size. {@link DmaHeapIoctl#ALLOC} allocates a buffer of the heap and writes its
     * descriptor into the struct's {@code fd} field.
     *
     * @throws accelmm.api.ErrnoException {@code EBADF} if the descriptor is not open;
     *     {@code ENOTTY} if it is not a heap; {@code EINVAL} for a command number the heap does not
     *     know, a non-zero {@code fd} field, and as {@link #heapAlloc}; {@code EFAULT} for a
     *     struct shorter than {@code cmd}'s size
     */
    void heapIoctl(FdTable table, int heapFd, int cmd, byte[] arg);

    /**
     * Allocates a buffer from a heap ({@code DMA_HEAP_IOCTL_ALLOC} with the current struct):
     * {@code len} rounded up to pages, always zeroed.
     *
     * @param fdFlags the new descriptor's flags: {@link #O_CLOEXEC} and an access mode
     * @param heapFlags none are defined
     * @return the new descriptor
     * @throws accelmm.api.ErrnoException {@code EBADF}, {@code ENOTTY} as {@link #heapIoctl};
     *     {@code EINVAL} for other descriptor or heap flags, or a length that rounds to 0;
     *     {@code ENOMEM} when memory cannot hold it; the table's {@code EMFILE}
     */
    int heapAlloc(FdTable table, int heapFd, long len, int fdFlags, long heapFlags);

    /**
     * Builds a table from pages ({@code sg_alloc_table_from_pages_segment}): frames (global frame
     * numbers, see {@link accelmm.api.mm.PhysAddr}) that follow each other merge into one entry
     * while it stays within {@code maxSegment}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a segment limit below one page, or pages
     *     that cannot hold {@code offset + size}
     */
    SgTable sgFromPages(long[] pfns, int offset, long size, long maxSegment);

    /**
     * Appends pages to a table ({@code sg_alloc_append_table_from_pages}): the leading pages that
     * continue the last entry physically merge into it, each as a whole page, while it stays within
     * {@code maxSegment}; the rest make new entries as {@link #sgFromPages} does, {@code size}
     * trimming the last. Tables are values: {@code prev} is left as it was and the longer table is
     * returned.
     *
     * @param prev the table so far; null to start one (then this is {@link #sgFromPages})
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a segment limit below one page, a
     *     non-zero {@code offset} when appending, or pages that cannot hold {@code offset + size}
     */
    SgTable sgAppendFromPages(SgTable prev, long[] pfns, int offset, long size, long maxSegment);

    /**
     * Builds a DMA-only table for device memory ({@code alloc_sgt_from_device_pages}).
     *
     * @param pageAddrs the bus addresses of the device pages
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a segment limit below one page or an
     *     export size the pages cannot hold
     */
    SgTable dmaOnlyFromDevicePages(long[] pageAddrs, long pageSize, long exportSize, long dmaMaxSegSize);

    /** Lists the live buffers by inode. */
    List<DmaBufInfo> bufs();

    /** Lists the DMA devices by name. */
    List<String> devices();
}
