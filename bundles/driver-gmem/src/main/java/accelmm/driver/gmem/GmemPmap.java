package accelmm.driver.gmem;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.mm.Prot;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.api.mmu.IoPgtable;

/**
 * The device page table of one context: an io-pgtable and, beside it, which pages are mapped and
 * whether writably (so that a release walks only what is there). Made of api and JDK types only, so
 * it outlives a driver update.
 *
 * <p>Concurrency: every method runs under the device lock ({@link GmemDriver#lock}).
 */
final class GmemPmap {
    private static final long PAGE = PageSize.PAGE_SIZE;
    private final Map<String, Object> holder;

    private GmemPmap(Map<String, Object> holder) {
        this.holder = holder;
    }

    /** Creates a page table on the device. */
    static Object create(DeviceContext dev) {
        Map<String, Object> h = new ConcurrentHashMap<>();
        h.put("pt", dev.ioPgtable((1L << 12) | (1L << 21), 48, 48));
        h.put("mapped", new TreeMap<Long, Boolean>());
        h.put("changes", new java.util.concurrent.atomic.AtomicLong());
        return h;
    }

    /** Views a page table from {@link #create}. */
    @SuppressWarnings("unchecked")
    static GmemPmap of(Object pmap) {
        return new GmemPmap((Map<String, Object>) pmap);
    }

    IoPgtable table() {
        return (IoPgtable) holder.get("pt");
    }

    @SuppressWarnings("unchecked")
    private TreeMap<Long, Boolean> mapped() {
        return (TreeMap<Long, Boolean>) holder.get("mapped");
    }

    /** Maps {@code size} bytes at {@code va} to {@code pa}, replacing what was there. */
    void enter(long va, long size, long pa, int prot) {
        release(va, size);
        changes().incrementAndGet();
        boolean writable = (prot & Prot.WRITE) != 0;
        table().mapPages(va, pa, PAGE, size / PAGE, IommuProt.READ | (writable ? IommuProt.WRITE : 0));
        for (long a = va; a < va + size; a += PAGE) {
            mapped().put(a / PAGE, writable);
        }
    }

    /** Unmaps whatever is mapped in {@code [va, va + size)}; returns the pages unmapped. */
    int release(long va, long size) {
        var inRange = mapped().subMap(va / PAGE, true, (va + size - 1) / PAGE, true);
        int n = 0;
        for (long vpn : inRange.keySet()) {
            table().unmapPages(vpn * PAGE, PAGE, 1, new IotlbGather());
            n++;
        }
        inRange.clear();
        if (n > 0) {
            changes().incrementAndGet();
        }
        return n;
    }

    /** Changes the write permission of the mapped pages of {@code [va, va + size)}. */
    void protect(long va, long size, int prot) {
        mapped().subMap(va / PAGE, true, (va + size - 1) / PAGE, true).replaceAll((k, w) -> (prot & Prot.WRITE) != 0);
    }

    /**
     * Translates an access.
     *
     * @return the physical address, or -1 if the page is not mapped (or not writable for a write)
     */
    long translate(long va, boolean write) {
        Boolean writable = mapped().get(va / PAGE);
        if (writable == null || (write && !writable)) {
            return -1;
        }
        return table().iovaToPhys(va);
    }

    private java.util.concurrent.atomic.AtomicLong changes() {
        return (java.util.concurrent.atomic.AtomicLong) holder.get("changes");
    }

    /**
     * Returns how many times pages were entered or released so far: a fault that mapped nothing,
     * while nothing was unmapped, leaves it as it was.
     */
    long changeCount() {
        return changes().get();
    }

    /** Returns the number of mapped pages. */
    int pages() {
        return mapped().size();
    }
}
