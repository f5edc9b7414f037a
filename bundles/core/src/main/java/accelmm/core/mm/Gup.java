package accelmm.core.mm;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.PinnedPages;

/**
 * {@code pin_user_pages} ({@code mm/gup.c}) over an address space: fault each page in (writable
 * and unshared for a write, the zero page replaced by a frame of its own, a device-coherent page
 * brought to system memory first) and pin its frame, all or nothing.
 *
 * <p>Concurrency: under the address space's mmap lock (read), the page-table lock per page.
 */
final class Gup {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private Gup() {
    }

    /** Faults in and pins {@code nrPages} pages from {@code addr}; on failure pins none. */
    static PinnedPages pin(Mm mm, long addr, int nrPages, boolean write) {
        long[] pfns = new long[nrPages];
        int pinned = 0;
        mm.lock.readLock();
        try {
            mm.requireAlive();
            for (; pinned < nrPages; pinned++) {
                long a = addr + pinned * PAGE;
                Vma v = a < AddressSpace.TASK_SIZE ? mm.vma(a) : null;
                if (v == null || !v.readable() || (write && !v.writable())) {
                    throw Errno.EFAULT.exception(String.format("page 0x%x cannot be pinned for %s", a, write ? "write" : "read"));
                }
                mm.ptl.lock();
                try {
                    int pte = mm.faults().fault(mm.pt, v, a, write, mm.thp());
                    if (Pte.isCoherent(pte)) {
                        pte = mm.deviceToRamForPin(v, a, write);
                    }
                    if (Pte.zero(pte)) {
                        pte = mm.faults().unshareZero(mm.pt, v, a);
                    }
                    pfns[pinned] = Pte.pfn(pte);
                    mm.hostNode().pin(pfns[pinned]);
                } finally {
                    mm.ptl.unlock();
                }
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < pinned; i++) {
                mm.hostNode().unpin(pfns[i]);
            }
            throw e;
        } finally {
            mm.lock.readUnlock();
        }
        mm.counters().add(Counter.GUP_PIN, nrPages);
        return new Pins(mm.hostNode(), pfns, mm.counters());
    }
}
