package accelmm.core.gpusvm;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.mm.Prot;
import accelmm.api.mm.VmaInfo;
import accelmm.api.policy.PolicySet;

/**
 * A fault under a prefetch policy: the granule around the faulting page (the largest chunk,
 * clipped to the VMA, the bind and the notifier window), the policy's selection in it, and the
 * ranges that cover the selection: the largest naturally aligned power-of-two blocks that overlap
 * no range, so a selection moves in as few migrations as it can.
 *
 * <p>Concurrency: under the device lock.
 */
final class SvmPrefetch {
    private static final long PAGE = GpuSvmImpl.PAGE;

    private SvmPrefetch() {
    }

    /**
     * Returns the ranges of a fault at {@code addr}: the one holding it first, then the others the
     * policy selected that are not bound; empty when nothing fits; null when the window's notifier
     * went (the fault starts over).
     */
    static List<RangeImpl> ranges(GpuSvmImpl svm, long addr, VmaInfo vma, long vaStart, long vaEnd, boolean userptr,
            PolicySet policies) {
        if (!svm.hasNotifier(addr)) {
            return null;
        }
        long granule = svm.granule();
        long g = addr & ~(granule - 1);
        long lo = Math.max(Math.max(g, vma.start()), Math.max(svm.windowStart(addr), vaStart));
        long hi = Math.min(Math.min(g + granule, vma.end()), Math.min(svm.windowEnd(addr), vaEnd));
        if (addr < lo || addr >= hi) {
            return List.of();
        }
        int pages = (int) (granule / PAGE);
        int fault = (int) ((addr - g) / PAGE);
        PrefetchRequestImpl q = svm.prefetchRequest();
        q.reset(g, pages, fault, (int) ((lo - g) / PAGE), (int) ((hi - g + PAGE - 1) / PAGE), svm.history);
        RangeImpl below = svm.rangeHolding(g);
        for (RangeImpl r = below != null ? below : svm.rangeFrom(g); r != null && r.start < g + granule;
                r = svm.rangeFrom(r.end)) {
            if (r.mapped) {
                q.markResident((int) ((r.start - g) / PAGE), (int) ((r.end - g) / PAGE));
            }
        }
        policies.prefetch(q);
        q.select(fault, fault + 1);
        System.arraycopy(svm.history, 0, svm.history, 1, svm.history.length - 1);
        svm.history[0] = addr / PAGE;

        boolean writable = (vma.prot() & Prot.WRITE) != 0;
        List<RangeImpl> out = new ArrayList<>();
        RangeImpl atFault = svm.rangeHolding(addr);
        long selectedPages = 0;
        if (atFault == null) {
            atFault = cover(svm, q, g, fault, writable, userptr);
            if (atFault.pages() > 1) {
                atFault.prefetchedAll(addr);
                selectedPages += atFault.pages() - 1;
            }
        }
        out.add(atFault);
        for (int p = q.first(); p < q.end(); ) {
            long a = g + p * PAGE;
            if (!q.selected(p)) {
                p++;
                continue;
            }
            RangeImpl r = svm.rangeHolding(a);
            if (r == null) {
                r = cover(svm, q, g, p, writable, userptr);
                r.prefetchedAll(-1);
                selectedPages += r.pages();
            } else if (r.mapped || r.unmapped || r == atFault) {
                p = (int) ((r.end - g) / PAGE);
                continue;
            }
            if (r != atFault) {
                out.add(r);
            }
            p = (int) ((r.end - g) / PAGE);
        }
        if (selectedPages > 0) {
            svm.dev().count("policy.prefetch_pages", selectedPages);
        }
        return out;
    }

    /**
     * Inserts the largest naturally aligned block holding page {@code p} that stays within the run
     * of selected pages around it that no range covers.
     */
    private static RangeImpl cover(GpuSvmImpl svm, PrefetchRequestImpl q, long g, int p, boolean writable, boolean userptr) {
        int runStart = p;
        while (runStart > q.first() && q.selected(runStart - 1) && svm.rangeHolding(g + (runStart - 1) * PAGE) == null) {
            runStart--;
        }
        int runEnd = p + 1;
        while (runEnd < q.end() && q.selected(runEnd) && svm.rangeHolding(g + runEnd * PAGE) == null) {
            runEnd++;
        }
        int size = 1;
        while (size * 2 <= q.pages()) {
            int s = p & ~(size * 2 - 1);
            if (s < runStart || s + size * 2 > runEnd) {
                break;
            }
            size *= 2;
        }
        long s = g + (long) (p & ~(size - 1)) * PAGE;
        return svm.insert(s, s + size * PAGE, writable, userptr);
    }
}
