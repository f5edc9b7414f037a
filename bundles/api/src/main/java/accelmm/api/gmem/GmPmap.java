package accelmm.api.gmem;

import java.util.TreeMap;

import accelmm.api.PageSize;
import accelmm.api.mm.Prot;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.api.mmu.IoPgtable;

/**
 * The device page table of one context: an io-pgtable and, beside it, which pages are mapped and
 * whether writably (so that a release walks only what is there): the {@code pmap} a GMEM driver's
 * {@link GmMmu#pmapCreate} may return. An api type, so it outlives a driver update.
 *
 * <p>Concurrency: every method runs under the device lock.
 */
public final class GmPmap {
    private static final long PAGE = PageSize.PAGE_SIZE;
    private final IoPgtable table;
    private final TreeMap<Long, Boolean> mapped = new TreeMap<>();
    private long changes;

    /** A pmap over {@code table}, with nothing mapped. */
    public GmPmap(IoPgtable table) {
        this.table = table;
    }

    /** Returns the page table. */
    public IoPgtable table() {
        return table;
    }

    private TreeMap<Long, Boolean> mapped() {
        return mapped;
    }

    /**
     * Maps {@code size} bytes at {@code va} to {@code pa}, replacing what was there.
     *
     * @throws accelmm.api.ErrnoException as {@link IoPgtable#mapPages}
     */
    public void enter(long va, long size, long pa, int prot) {
        release(va, size);
        changes++;
        boolean writable = (prot & Prot.WRITE) != 0;
        table().mapPages(va, pa, PAGE, size / PAGE, IommuProt.READ | (writable ? IommuProt.WRITE : 0));
        for (long a = va; a < va + size; a += PAGE) {
            mapped().put(a / PAGE, writable);
        }
    }

    /** Unmaps whatever is mapped in {@code [va, va + size)}; returns the pages unmapped. */
    public int release(long va, long size) {
        var inRange = mapped().subMap(va / PAGE, true, (va + size - 1) / PAGE, true);
        int n = 0;
        for (long vpn : inRange.keySet()) {
            table().unmapPages(vpn * PAGE, PAGE, 1, new IotlbGather());
            n++;
        }
        inRange.clear();
        if (n > 0) {
            changes++;
        }
        return n;
    }

    /** Changes the write permission of the mapped pages of {@code [va, va + size)}. */
    public void protect(long va, long size, int prot) {
        mapped().subMap(va / PAGE, true, (va + size - 1) / PAGE, true).replaceAll((k, w) -> (prot & Prot.WRITE) != 0);
    }

    /**
     * Translates an access.
     *
     * @return the physical address, or -1 if the page is not mapped (or not writable for a write)
     */
    public long translate(long va, boolean write) {
        Boolean writable = mapped().get(va / PAGE);
        if (writable == null || (write && !writable)) {
            return -1;
        }
        return table().iovaToPhys(va);
    }

    /**
     * Returns how many times pages were entered or released so far: a fault that mapped nothing,
     * while nothing was unmapped, leaves it as it was.
     */
    public long changeCount() {
        return changes;
    }

    /** Returns the number of mapped pages. */
    public int pages() {
        return mapped().size();
    }
}
