package accelmm.core.mm;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.core.mem.MemoryNode;

/**
 * {@code hmm_range_fault} ({@code mm/hmm.c}) over an address space: per page, report what the CPU
 * page table maps (a host frame, the zero page, a device-coherent page, the caller's own
 * device-private page) with its write permission and map order, faulting in what the request asks
 * for, and {@code EBUSY} if the range was invalidated since {@code readBegin} or meanwhile.
 *
 * <p>Concurrency: runs under the address space's mmap lock (read) and takes the page-table lock
 * per page; faults may drop it to migrate a device page back.
 */
final class HmmFault {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private HmmFault() {
    }

    /** Runs the range fault on {@code mm}, after its checks. */
    static void run(Mm mm, HmmRange r) {
        mm.lock.readLock();
        try {
            if (mm.exited()) {
                throw Errno.EFAULT.exception("the address space has exited");
            }
            if (r.notifier.checkRetry(r.notifierSeq)) {
                throw Errno.EBUSY.exception("the range was invalidated since readBegin");
            }
            long[] huge = {-1, 0};
            for (int i = 0; i < r.pfns.length; i++) {
                long a = r.start + i * PAGE;
                long req = (r.pfns[i] & r.pfnFlagsMask) | r.defaultFlags;
                boolean wantFault = (req & HmmPfn.REQ_FAULT) != 0;
                boolean wantWrite = wantFault && (req & HmmPfn.REQ_WRITE) != 0;
                Vma v = mm.vma(a);
                if (v == null || !v.readable()) {
                    if (wantFault) {
                        throw Errno.EFAULT.exception(String.format("0x%x is not mapped readable", a));
                    }
                    r.pfns[i] = HmmPfn.ERROR;
                    continue;
                }
                mm.ptl.lock();
                try {
                    int pte = mm.pt.get(a >>> PageSize.PAGE_SHIFT);
                    if (Pte.isCoherent(pte) && (!wantWrite || Pte.writable(pte))) {
                        // Device-coherent pages are ordinary pages to any caller.
                        Pagemaps.Pagemap pm = mm.pagemaps().get(Pte.deviceSlot(pte));
                        r.pfns[i] = HmmPfn.VALID | (Pte.writable(pte) ? HmmPfn.WRITE : 0)
                                | ((long) pm.node.id() << HmmPfn.NODE_SHIFT) | pm.pfnOf(pte);
                        continue;
                    }
                    if (Pte.isDevice(pte) && !Pte.isCoherent(pte)) {
                        Pagemaps.Pagemap pm = mm.pagemaps().get(Pte.deviceSlot(pte));
                        if (r.devPrivateOwner != null && pm.owner == r.devPrivateOwner) {
                            r.pfns[i] = HmmPfn.VALID | HmmPfn.DEVICE_PRIVATE | (Pte.writable(pte) ? HmmPfn.WRITE : 0)
                                    | ((long) pm.node.id() << HmmPfn.NODE_SHIFT) | pm.pfnOf(pte);
                            continue;
                        }
                        if (!wantFault) {
                            r.pfns[i] = 0;
                            continue;
                        }
                    }
                    if (wantFault && (!Pte.present(pte) || (wantWrite && !Pte.writable(pte)))) {
                        if (wantWrite && !v.writable()) {
                            throw Errno.EPERM.exception(String.format("write fault on read-only 0x%x", a));
                        }
                        pte = mm.faults().fault(mm.pt, v, a, wantWrite, mm.thp());
                        huge[0] = -1;
                    }
                    r.pfns[i] = hmmEntry(pte);
                    if (r.pfns[i] != 0 && pmdMapped(mm, v, a >>> PageSize.PAGE_SHIFT, pte, huge)) {
                        r.pfns[i] |= (long) MemoryNode.HUGE_ORDER << HmmPfn.ORDER_SHIFT;
                    }
                } finally {
                    mm.ptl.unlock();
                }
            }
            if (r.notifier.checkRetry(r.notifierSeq)) {
                throw Errno.EBUSY.exception("the range was invalidated while it was faulted");
            }
        } finally {
            mm.lock.readUnlock();
        }
    }

    /**
     * Whether the page at {@code vpn} is mapped as part of a whole huge page, as a PMD maps a THP:
     * the aligned 2 MiB lies in the mapping and its 512 entries map the frames of one unsplit huge
     * page in order, all present with the same write permission. {@code memo} keeps the answer for
     * the block last asked ({@code {block, answer}}), so a range over a huge page looks once.
     * Under the page-table lock.
     */
    private static boolean pmdMapped(Mm mm, Vma v, long vpn, int pte, long[] memo) {
        long base = vpn & ~((1L << MemoryNode.HUGE_ORDER) - 1);
        if (memo[0] == base) {
            return memo[1] != 0;
        }
        memo[0] = base;
        memo[1] = 0;
        if (!Pte.hasFrame(pte) || !Pte.present(pte) || mm.thp() == ThpMode.NEVER && !v.hugetlb) {
            return false;
        }
        long head = Pte.pfn(pte) - (vpn - base);
        long pages = 1L << MemoryNode.HUGE_ORDER;
        if (base << PageSize.PAGE_SHIFT < v.start || (base + pages) << PageSize.PAGE_SHIFT > v.end || !mm.hostNode().isHugeHead(head)) {
            return false;
        }
        for (long i = 0; i < pages; i++) {
            int e = mm.pt.get(base + i);
            if (!Pte.present(e) || Pte.zero(e) || Pte.pfn(e) != head + i || Pte.writable(e) != Pte.writable(pte)) {
                return false;
            }
        }
        memo[1] = 1;
        return true;
    }

    private static long hmmEntry(int pte) {
        if (!Pte.present(pte)) {
            return 0;
        }
        if (Pte.zero(pte)) {
            return HmmPfn.VALID | HmmPfn.ZERO_PAGE_PFN;
        }
        return HmmPfn.VALID | (Pte.writable(pte) ? HmmPfn.WRITE : 0) | Pte.pfn(pte);
    }
}
