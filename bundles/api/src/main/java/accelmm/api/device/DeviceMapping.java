package accelmm.api.device;

import accelmm.api.dma.SgTable;
import accelmm.api.mm.PinnedPages;

/**
 * A range of a device's virtual address space that a file mapped: device memory of an allocation
 * (its handle), or pinned host pages (with their DMA mapping); and how many dma-buf exports reach
 * into it, which keep it mapped.
 *
 * <p>Concurrency: {@link #exports()} is guarded by the device lock; the rest never changes.
 */
public final class DeviceMapping {
    private final DeviceFile file;
    private final long handle;
    private final long start;
    private final long size;
    private final long pageSize;
    private final PinnedPages pins;
    private final SgTable dma;
    private int exports;

    /**
     * A mapping of {@code size} bytes at {@code start} (the start of its VA node) in entries of
     * {@code pageSize}.
     *
     * @param handle the allocation mapped, or the driver's "no handle" value for host pages
     * @param pins the pinned host pages, or null
     * @param dma the DMA mapping of the host pages, or null
     */
    public DeviceMapping(DeviceFile file, long handle, long start, long size, long pageSize, PinnedPages pins, SgTable dma) {
        this.file = file;
        this.handle = handle;
        this.start = start;
        this.size = size;
        this.pageSize = pageSize;
        this.pins = pins;
        this.dma = dma;
    }

    /** Returns the file that mapped it. */
    public DeviceFile file() {
        return file;
    }

    /** Returns the allocation's handle. */
    public long handle() {
        return handle;
    }

    /** Returns the start of its VA node. */
    public long start() {
        return start;
    }

    /** Returns its size in bytes. */
    public long size() {
        return size;
    }

    /** Returns the size of its page-table entries. */
    public long pageSize() {
        return pageSize;
    }

    /** Returns the pinned host pages, or null. */
    public PinnedPages pins() {
        return pins;
    }

    /** Returns the host pages' DMA mapping, or null. */
    public SgTable dma() {
        return dma;
    }

    /** Returns how many exports reach into it. */
    public int exports() {
        return exports;
    }

    /** Adds {@code delta} to the export count. */
    public void addExports(int delta) {
        exports += delta;
    }
}
