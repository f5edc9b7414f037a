package accelmm.api.dma;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A device that performs DMA, behind its own IOMMU: {@link #mapSg} gives a scatter-gather table
 * I/O virtual addresses from the device's IOVA allocator and maps them in its IOMMU page table;
 * the device's DMA engine ({@link #dmaRead}, {@link #dmaWrite}) reaches host memory only through
 * such mappings, and peer device memory by its bus address.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface DmaDevice {
    /** Returns the device name (its key in the {@link PciTopology}). */
    String name();

    /** Returns the largest DMA segment the device handles ({@code dma_get_max_seg_size}). */
    long maxSegSize();

    /**
     * Maps a table for DMA ({@code dma_map_sgtable}): one IOVA range for all entries, each page
     * mapped in the IOMMU with the direction's permissions; entries that meet at page boundaries
     * and stay within {@link #maxSegSize()} are merged. The result's entries are the DMA segments
     * (its {@code nents}); its {@code origNents} is the input's.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a DMA-only or empty table, direction
     *     {@code NONE}, or entries of more than one page without a frame; {@code ENOMEM} when the IOVA
     *     space is exhausted; {@code ENODEV} after {@link Dma#removeDevice}
     */
    SgTable mapSg(SgTable table, DmaDirection dir);

    /**
     * Unmaps a table returned by {@link #mapSg} ({@code dma_unmap_sgtable}), flushing the IOTLB: the
     * device can no longer reach those pages.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} if the table is not mapped on this device
     */
    void unmapSg(SgTable mapped);

    /**
     * Reads by DMA from a device address: an IOVA of this device or a peer's bus address.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} for an address with no mapping, a mapping the
     *     device may not read, or host memory outside any mapping (an IOMMU fault; nothing is read)
     */
    void dmaRead(long dmaAddr, byte[] dst, int off, int len);

    /**
     * Writes by DMA to a device address.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} as {@link #dmaRead}, or for a read-only mapping
     */
    void dmaWrite(long dmaAddr, byte[] src, int off, int len);

    /**
     * Returns the physical address behind a device address ({@code iommu_iova_to_phys}): the page
     * an IOVA of this device maps, whatever the mapping's direction; a peer's bus address as it is.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} for an address nothing maps
     */
    long iovaToPhys(long dmaAddr);

    /**
     * Reads by DMA from byte {@code offset} of what a table mapped on this device covers, segment
     * by segment ({@link #dmaRead} on each).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a range outside the table or the
     *     array; as {@link #dmaRead}
     */
    default void dmaRead(SgTable mapped, long offset, byte[] dst, int off, int len) {
        dmaTable(this, mapped, offset, dst, off, len, false);
    }

    /**
     * Writes by DMA at byte {@code offset} of what a table mapped on this device covers.
     *
     * @throws accelmm.api.ErrnoException as {@link #dmaRead(SgTable, long, byte[], int, int)}; as
     *     {@link #dmaWrite}
     */
    default void dmaWrite(SgTable mapped, long offset, byte[] src, int off, int len) {
        dmaTable(this, mapped, offset, src, off, len, true);
    }

    private static void dmaTable(DmaDevice dev, SgTable t, long offset, byte[] data, int off, int len, boolean write) {
        if (data == null || off < 0 || len < 0 || off > data.length - len) {
            throw accelmm.api.Errno.EINVAL.exception("bad buffer range");
        }
        if (offset < 0 || offset > t.length() - len) {
            throw accelmm.api.Errno.EINVAL.exception("[" + offset + ", +" + len + ") is outside the "
                    + t.length() + "-byte table");
        }
        long segStart = 0;
        for (SgEntry e : t.entries()) {
            long segEnd = segStart + e.length();
            if (len > 0 && offset < segEnd) {
                int n = (int) Math.min(len, segEnd - offset);
                long addr = e.dmaAddress() + (offset - segStart);
                if (write) {
                    dev.dmaWrite(addr, data, off, n);
                } else {
                    dev.dmaRead(addr, data, off, n);
                }
                offset += n;
                off += n;
                len -= n;
            }
            segStart = segEnd;
        }
    }

    /** Returns the number of tables mapped now. */
    int mappings();

    /** Returns the number of IOMMU faults the DMA engine took. */
    long iommuFaults();
}
