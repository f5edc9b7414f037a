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
    /** Descriptor flag: read and write access. */
    int O_RDWR = 2;
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
     * ({@code dma_buf_fd}); the descriptor owns the export's reference. The buffer is complete
     * before the descriptor exists, so closing it at once from another thread is safe.
     *
     * @return the descriptor
     * @throws accelmm.api.ErrnoException {@code EINVAL} for flags other than {@link #O_RDWR} and
     *     {@link #O_CLOEXEC}, a null buffer, or one already given a descriptor; the table's
     *     {@code EMFILE} or {@code ESRCH}
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
