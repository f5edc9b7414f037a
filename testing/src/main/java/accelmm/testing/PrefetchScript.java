package accelmm.testing;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.PrefetchRequest;

/**
 * Runs a prefetch policy over a scripted access sequence as the core would: a granule of
 * {@code pages} pages, all of which may move; an access to a page the device does not hold is a
 * fault, and the faulting page and the policy's selection become resident. It records the
 * faulting pages, so a test can assert them exactly.
 *
 * <p>Concurrency: single-threaded.
 */
public final class PrefetchScript {
    private final int pages;
    private final BitSet resident = new BitSet();
    private final List<Integer> faults = new ArrayList<>();
    private final long[] history = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};

    /** A granule of {@code pages} pages (a power of two), none resident. */
    public PrefetchScript(int pages) {
        this.pages = pages;
    }

    /** Makes pages {@code [from, to)} resident without a fault. */
    public PrefetchScript resident(int from, int to) {
        resident.set(from, to);
        return this;
    }

    /** Accesses pages {@code [from, to)} in order under {@code policy}; returns this. */
    public PrefetchScript scan(PrefetchPolicy policy, PolicyParams params, int from, int to) {
        for (int p = from; p < to; p++) {
            access(policy, params, p);
        }
        return this;
    }

    /** Accesses {@code pagesInOrder} under {@code policy}; returns this. */
    public PrefetchScript run(PrefetchPolicy policy, PolicyParams params, int... pagesInOrder) {
        for (int p : pagesInOrder) {
            access(policy, params, p);
        }
        return this;
    }

    private void access(PrefetchPolicy policy, PolicyParams params, int page) {
        if (resident.get(page)) {
            return;
        }
        faults.add(page);
        BitSet selected = new BitSet();
        policy.prefetch(new PrefetchRequest() {
            @Override
            public int pages() {
                return pages;
            }

            @Override
            public int faultPage() {
                return page;
            }

            @Override
            public int first() {
                return 0;
            }

            @Override
            public int end() {
                return pages;
            }

            @Override
            public boolean resident(int p) {
                return resident.get(p);
            }

            @Override
            public int residentCount(int from, int to) {
                return resident.get(Math.max(0, from), Math.min(pages, to)).cardinality();
            }

            @Override
            public long previousFault(int back) {
                return back >= 1 && back <= history.length ? history[back - 1] : Long.MIN_VALUE;
            }

            @Override
            public void select(int from, int to) {
                selected.set(Math.max(0, from), Math.min(pages, Math.max(from, to)));
            }
        }, params);
        System.arraycopy(history, 0, history, 1, history.length - 1);
        history[0] = page;
        resident.set(page);
        resident.or(selected);
    }

    /** Returns the faulting pages, in order. */
    public List<Integer> faults() {
        return List.copyOf(faults);
    }

    /** Returns how many pages are resident. */
    public int residentPages() {
        return resident.cardinality();
    }
}
