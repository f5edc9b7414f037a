package accelmm.core.dma;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgEntry;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.DrmMmNode;
import accelmm.api.mmu.IoTlbOps;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.core.mmu.DrmMmImpl;
import accelmm.core.mmu.LpaePgtable;

/**
 * A DMA device behind its own IOMMU: an IOVA allocator (top down, size-aligned like the kernel's
 * IOVA caches) over {@code [IOVA_START, IOVA_END)}, an io-pgtable of 4 KiB pages, and a DMA engine
 * that reads and writes physical memory through it. Addresses in a device node's {@link PhysAddr}
 * window are peer device memory (PCI BARs) and pass the IOMMU untranslated; host RAM is reached only
 * through IOVAs.
 *
 * <p>Concurrency: mapping and unmapping synchronize on the device; the DMA engine looks the
 * mapping up under the same lock and moves bytes outside it.
 */
public final class DmaDeviceImpl implements DmaDevice {
    /** The lowest IOVA handed out. */
    public static final long IOVA_START = 1L << 32;
    /** One past the highest IOVA. */
    public static final long IOVA_END = 1L << 39;
    private static final long PAGE = PageSize.PAGE_SIZE;

    /** One mapped table: its IOVA node and direction. */
    private record Mapping(DrmMmNode node, DmaDirection dir) {
        long start() {
            return node.start() * PAGE;
        }

        long end() {
            return node.end() * PAGE;
        }
    }

    private final String name;
    private final long maxSegSize;
    private final MemoryManager memory;
    private final DrmMm iova = new DrmMmImpl(IOVA_START / PAGE, (IOVA_END - IOVA_START) / PAGE, null);
    private final LpaePgtable pgtable;
    private final Map<SgTable, Mapping> mapped = new IdentityHashMap<>();
    private final TreeMap<Long, Mapping> byIova = new TreeMap<>();
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong tlbFlushes = new AtomicLong();
    private volatile boolean removed;

    /**
     * Creates the device.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a segment size below 1
     */
    public DmaDeviceImpl(String name, long maxSegSize, MemoryManager memory) {
        if (maxSegSize < 1) {
            throw Errno.EINVAL.exception("max segment size " + maxSegSize);
        }
        this.name = name;
        this.maxSegSize = maxSegSize;
        this.memory = memory;
        this.pgtable = new LpaePgtable(PAGE, 48, 48, new IoTlbOps() {
            @Override
            public void flushAll() {
                tlbFlushes.incrementAndGet();
            }

            @Override
            public void flushWalk(long iova, long size, long granule) {
                tlbFlushes.incrementAndGet();
            }
        }, null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long maxSegSize() {
        return maxSegSize;
    }

    void markRemoved() {
        removed = true;
    }

    private static long pages(SgEntry e) {
        return (e.offset() + e.length() + PAGE - 1) / PAGE;
    }

    @Override
    public synchronized SgTable mapSg(SgTable table, DmaDirection dir) {
        if (removed) {
            throw Errno.ENODEV.exception(name + " is removed");
        }
        if (table == null || table.nents() == 0 || table.dmaOnly() || dir == null || dir == DmaDirection.NONE) {
            throw Errno.EINVAL.exception("only a table of pages maps for DMA, with a direction");
        }
        long total = 0;
        for (SgEntry e : table.entries()) {
            if (e.pfn() < 0 || e.length() <= 0) {
                throw Errno.EINVAL.exception("an entry without pages");
            }
            total += pages(e);
        }
        DrmMmNode node;
        try {
            node = iova.insertNode(total, Long.highestOneBit(total) == total ? total : Long.highestOneBit(total) << 1,
                    0, IOVA_START / PAGE, IOVA_END / PAGE, DrmMm.Mode.HIGH);
        } catch (accelmm.api.ErrnoException e) {
            throw Errno.ENOMEM.exception(name + ": IOVA space exhausted");
        }
        int prot = (dir.deviceReads() ? IommuProt.READ : 0) | (dir.deviceWrites() ? IommuProt.WRITE : 0);
        List<SgEntry> segs;
        try {
            segs = mapEntries(table, node.start() * PAGE, prot);
        } catch (RuntimeException e) {
            pgtable.unmapPages(node.start() * PAGE, PAGE, node.size(), new IotlbGather());
            iova.removeNode(node);
            throw e;
        }
        SgTable out = new SgTable(segs, table.origNents());
        Mapping m = new Mapping(node, dir);
        mapped.put(out, m);
        byIova.put(m.start(), m);
        return out;
    }

    /** Maps each entry's pages from {@code at} on and returns the merged DMA segments. */
    private List<SgEntry> mapEntries(SgTable table, long at, int prot) {
        List<SgEntry> segs = new ArrayList<>();
        for (SgEntry e : table.entries()) {
            long n = pages(e);
            pgtable.mapPages(at, PhysAddr.of(PhysAddr.nodeOfPfn(e.pfn()), PhysAddr.localPfn(e.pfn()), 0), PAGE, n, prot);
            long dma = at + e.offset();
            SgEntry last = segs.isEmpty() ? null : segs.get(segs.size() - 1);
            long lastEnd = last == null ? -1 : last.dmaAddress() + last.length();
            if (last != null && lastEnd % PAGE == 0 && lastEnd == dma && last.length() + e.length() <= maxSegSize) {
                segs.set(segs.size() - 1, new SgEntry(last.pfn(), last.offset(), last.length() + e.length(), last.dmaAddress()));
            } else {
                segs.add(new SgEntry(e.pfn(), e.offset(), e.length(), dma));
            }
            at += n * PAGE;
        }
        return segs;
    }

    @Override
    public synchronized void unmapSg(SgTable table) {
        Mapping m = table == null ? null : mapped.remove(table);
        if (m == null) {
            throw Errno.EINVAL.exception("the table is not mapped on " + name);
        }
        byIova.remove(m.start());
        IotlbGather gather = new IotlbGather();
        pgtable.unmapPages(m.start(), PAGE, m.node().size(), gather);
        tlbFlushes.incrementAndGet();
        iova.removeNode(m.node());
    }

    @Override
    public synchronized long iovaToPhys(long dmaAddr) {
        if (dmaAddr >= IOVA_END && PhysAddr.node(dmaAddr) >= 1) {
            return dmaAddr;
        }
        Map.Entry<Long, Mapping> e = byIova.floorEntry(dmaAddr);
        if (e == null || dmaAddr >= e.getValue().end()) {
            throw Errno.EFAULT.exception(name + ": nothing is mapped at 0x" + Long.toHexString(dmaAddr));
        }
        return pgtable.iovaToPhys(dmaAddr);
    }

    /** Resolves a device address range to physical addresses, one per page piece. */
    private synchronized long[] translate(long dmaAddr, int len, boolean write) {
        if (dmaAddr >= IOVA_END && PhysAddr.node(dmaAddr) >= 1) {
            return new long[] {dmaAddr};
        }
        Map.Entry<Long, Mapping> e = byIova.floorEntry(dmaAddr);
        Mapping m = e == null ? null : e.getValue();
        if (m == null || dmaAddr + len > m.end() || !(write ? m.dir().deviceWrites() : m.dir().deviceReads())) {
            faults.incrementAndGet();
            throw Errno.EFAULT.exception(name + ": IOMMU fault at 0x" + Long.toHexString(dmaAddr)
                    + (m != null && dmaAddr < m.end() ? " (" + m.dir() + " mapping)" : ""));
        }
        int pieces = (int) ((dmaAddr + Math.max(len, 1) - 1) / PAGE - dmaAddr / PAGE + 1);
        long[] pa = new long[pieces];
        for (int i = 0; i < pieces; i++) {
            long va = i == 0 ? dmaAddr : (dmaAddr & PageSize.PAGE_MASK) + i * PAGE;
            pa[i] = pgtable.iovaToPhys(va);
        }
        return pa;
    }

    private void dma(long dmaAddr, byte[] buf, int off, int len, boolean write) {
        if (removed) {
            throw Errno.ENODEV.exception(name + " is removed");
        }
        if (buf == null || off < 0 || len < 0 || off + len > buf.length || off + len < 0) {
            throw Errno.EINVAL.exception("bad buffer");
        }
        long[] pa = translate(dmaAddr, len, write);
        if (pa.length == 1) {
            move(pa[0], buf, off, len, write);
            return;
        }
        int done = 0;
        for (long p : pa) {
            int n = (int) Math.min(len - done, PAGE - (p & (PAGE - 1)));
            move(p, buf, off + done, n, write);
            done += n;
        }
    }

    private void move(long pa, byte[] buf, int off, int len, boolean write) {
        if (write) {
            memory.physWrite(pa, buf, off, len);
        } else {
            memory.physRead(pa, buf, off, len);
        }
    }

    @Override
    public void dmaRead(long dmaAddr, byte[] dst, int off, int len) {
        dma(dmaAddr, dst, off, len, false);
    }

    @Override
    public void dmaWrite(long dmaAddr, byte[] src, int off, int len) {
        dma(dmaAddr, src, off, len, true);
    }

    @Override
    public synchronized int mappings() {
        return mapped.size();
    }

    @Override
    public long iommuFaults() {
        return faults.get();
    }

    /** Returns the IOTLB flushes done. */
    public long tlbFlushes() {
        return tlbFlushes.get();
    }

    @Override
    public String toString() {
        return name;
    }
}
