package accelmm.core.mm;

import java.util.ArrayList;
import java.util.List;
import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;
import accelmm.core.mem.MemoryNode;

/**
 * Removing mappings ({@code munmap}; the zap of {@code mm/memory.c}): VMAs split at the edges, frames and hugetlb reservations dropped.
 *
 * <p>Concurrency: as each method says; the mmap lock and the page-table lock are the address
 * space's ({@link Mm}).
 */
final class Unmap {
    private static final long PAGE = accelmm.api.PageSize.PAGE_SIZE;

    private Unmap() {
    }

    static void munmap(Mm m, long addr, long length) {
        if ((addr & (PAGE - 1)) != 0 || length <= 0) {
            throw Errno.EINVAL.exception(String.format("munmap(0x%x, %d): unaligned address or empty length", addr, length));
        }
        long len = Mm.pageAlignUp(length);
        if (addr < 0 || addr > Mm.TASK_SIZE - len) {
            throw Errno.EINVAL.exception(String.format("munmap(0x%x, %d) is beyond the address space", addr, length));
        }
        m.lock.writeLock();
        try {
            m.checkAlive();
            Mmap.checkHugetlbSplit(m, addr, addr + len);
            unmapRange(m, addr, addr + len);
            m.counters.inc(Counter.MUNMAP);
        } finally {
            m.lock.writeUnlock();
        }
    }

    /** Splits the mapping containing {@code addr} so that a mapping starts there. */
    static void splitAt(Mm m, long addr) {
        Vma v = m.find(addr);
        if (v == null || v.start == addr) {
            return;
        }
        Vma right = v.slice(addr, v.end);
        v.end = addr;
        if (right.file != null) {
            right.file.addMapping();
        }
        m.vmas.put(addr, right);
        splitHuge(m, addr);
    }

    /**
     * A mapping boundary inside a huge page maps it by pages from now on, as
     * {@code vma_adjust_trans_huge} splits the PMD that straddles it.
     */
    static void splitHuge(Mm m, long addr) {
        long vpn = addr >>> PageSize.PAGE_SHIFT;
        long base = vpn & ~((1L << MemoryNode.HUGE_ORDER) - 1);
        if (base == vpn) {
            return;
        }
        m.ptl.lock();
        try {
            int pte = m.pt.get(base);
            if (Pte.hasFrame(pte) && Pte.present(pte)) {
                m.node.splitHuge(Pte.pfn(pte));
            }
        } finally {
            m.ptl.unlock();
        }
    }

    /** Removes every mapping in [start, end), dropping its frames, with an UNMAP invalidation. */
    static void unmapRange(Mm m, long start, long end) {
        if (!m.overlaps(start, end)) {
            return;
        }
        m.notifiers.invalidateStart(new NotifierRange(start, end, NotifierEvent.UNMAP, true, null));
        try {
            unmapQuietly(m, start, end);
        } finally {
            m.notifiers.invalidateEnd();
        }
    }

    /** Removes every mapping in [start, end) inside an invalidation the caller runs. Holds the mmap write lock. */
    static void unmapQuietly(Mm m, long start, long end) {
        splitAt(m, start);
        splitAt(m, end);
        List<Vma> gone = new ArrayList<>(m.vmas.subMap(start, true, end, false).values());
        for (Vma v : gone) {
            if (v.hugeResvOwner) {
                m.hugetlb.unreserve(unfaultedHugePages(m, v));
            }
            zap(m, v.start, v.end);
            m.vmas.remove(v.start);
            if (v.file != null) {
                v.file.dropMapping();
            }
        }
    }

    /** The huge pages of a private hugetlb mapping that have no private page yet: its reservations left. */
    static long unfaultedHugePages(Mm m, Vma v) {
        long n = 0;
        m.ptl.lock();
        try {
            for (long a = v.start; a < v.end; a += PageSize.PMD_SIZE) {
                int pte = m.pt.get(a >>> PageSize.PAGE_SHIFT);
                boolean privatePage = Pte.hasFrame(pte) && (v.file == null || v.file.cached(v.filePage(a)) != Pte.pfn(pte));
                n += privatePage ? 0 : 1;
            }
        } finally {
            m.ptl.unlock();
        }
        return n;
    }

    /** Clears the PTEs of [start, end) and drops their frame references. */
    static void zap(Mm m, long start, long end) {
        m.ptl.lock();
        try {
            List<Long> vpns = new ArrayList<>();
            m.pt.forEach(start >>> PageSize.PAGE_SHIFT, end >>> PageSize.PAGE_SHIFT, (vpn, pte) -> vpns.add(vpn));
            for (long vpn : vpns) {
                release(m, m.pt.clear(vpn), vpn);
            }
        } finally {
            m.ptl.unlock();
        }
    }

    /** Drops the reference a removed PTE (at {@code vpn}) held: on a host frame or on a device-private page. */
    static void release(Mm m, int pte, long vpn) {
        if (Pte.hasFrame(pte)) {
            m.node.put(Pte.pfn(pte));
        } else if (Pte.isDevice(pte)) {
            Pagemaps.Pagemap pm = m.pagemaps.get(Pte.deviceSlot(pte));
            pm.unmapped(pm.pfnOf(pte), m, vpn);
        }
    }
}
