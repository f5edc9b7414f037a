package accelmm.core.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mm.Prot;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;

/**
 * mprotect and madvise ({@code mm/mprotect.c}, {@code mm/madvise.c}): the checks, the VMA splits, the new protection or advice.
 *
 * <p>Concurrency: as each method says; the mmap lock and the page-table lock are the address
 * space's ({@link Mm}).
 */
final class Mprotect {
    private static final long PAGE = accelmm.api.PageSize.PAGE_SIZE;

    private Mprotect() {
    }

    static void madvise(Mm m, long addr, long length, int advice) {
        if (advice != accelmm.api.mm.Madvise.HUGEPAGE && advice != accelmm.api.mm.Madvise.NOHUGEPAGE) {
            throw Errno.EINVAL.exception("madvise advice " + advice + " is not known");
        }
        if ((addr & (PAGE - 1)) != 0 || addr < 0) {
            throw Errno.EINVAL.exception(String.format("madvise(0x%x): the address is not page-aligned", addr));
        }
        long len = (length + PAGE - 1) & PageSize.PAGE_MASK;
        if (length < 0 || len < length || addr + len < addr) {
            throw Errno.EINVAL.exception(String.format("madvise(0x%x, %d): the range wraps", addr, length));
        }
        if (len == 0) {
            return;
        }
        long end = addr + len;
        boolean hole = false;
        m.lock.writeLock();
        try {
            m.checkAlive();
            Mmap.checkHugetlbSplit(m, addr, end);
            // As madvise_update_vma: a mapping whose advice does not change is not split.
            Vma first = m.find(addr);
            if (first != null && first.hugeAdvice != advice) {
                Unmap.splitAt(m, addr);
            }
            Vma last = m.find(end - 1);
            if (last != null && last.hugeAdvice != advice) {
                Unmap.splitAt(m, end);
            }
            long at = addr;
            Map.Entry<Long, Vma> below = m.vmas.lowerEntry(addr);
            List<Vma> in = new ArrayList<>();
            if (below != null && below.getValue().end > addr) {
                in.add(below.getValue());
            }
            in.addAll(m.vmas.subMap(addr, true, end, false).values());
            for (Vma v : in) {
                hole |= v.start > at;
                v.hugeAdvice = advice;
                at = v.end;
            }
            hole |= at < end;
        } finally {
            m.lock.writeUnlock();
        }
        if (hole) {
            throw Errno.ENOMEM.exception(String.format("madvise(0x%x, %d): part of the range is not mapped", addr, length));
        }
    }

    static void mprotect(Mm m, long addr, long length, int prot) {
        if ((addr & (PAGE - 1)) != 0 || (prot & ~Prot.ALL) != 0 || length < 0) {
            throw Errno.EINVAL.exception(String.format("mprotect(0x%x, %d, %d): bad address or prot", addr, length, prot));
        }
        if (length == 0) {
            return;
        }
        long end = m.rangeEnd(addr, length);
        m.lock.writeLock();
        try {
            m.checkAlive();
            Mmap.checkHugetlbSplit(m, addr, end);
            for (long a = addr; a < end;) {
                Vma v = m.mapped(a);
                if (v.shared && (prot & Prot.WRITE) != 0 && !v.mayWrite) {
                    throw Errno.EACCES.exception(v.name() + " is mapped without write access to it");
                }
                a = v.end;
            }
            m.notifiers.invalidateStart(new NotifierRange(addr, end, NotifierEvent.PROTECTION_VMA, true, null));
            try {
                changeProtection(m, addr, end, prot);
            } finally {
                m.notifiers.invalidateEnd();
            }
            m.counters.inc(Counter.MPROTECT);
        } finally {
            m.lock.writeUnlock();
        }
    }

    static void changeProtection(Mm m, long addr, long end, int prot) {
        Unmap.splitAt(m, addr);
        Unmap.splitAt(m, end);
        for (Vma v : m.vmas.subMap(addr, true, end, false).values()) {
            v.prot = prot;
        }
        if ((prot & Prot.WRITE) == 0) {
            m.ptl.lock();
            try {
                List<long[]> ro = new ArrayList<>();
                m.pt.forEach(addr >>> PageSize.PAGE_SHIFT, end >>> PageSize.PAGE_SHIFT,
                        (vpn, pte) -> ro.add(new long[] {vpn, Pte.readOnly(pte)}));
                for (long[] e : ro) {
                    m.pt.set(e[0], (int) e[1]);
                }
            } finally {
                m.ptl.unlock();
            }
        }
    }
}
