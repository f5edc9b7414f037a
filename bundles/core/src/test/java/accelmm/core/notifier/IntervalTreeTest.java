package accelmm.core.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class IntervalTreeTest {
    static final class Iv extends IntervalTree.Node {
        Iv(long start, long last) {
            super(start, last);
        }
    }

    @Test
    void overlapQueriesMatchABruteForceScan() {
        SplittableRandom rnd = new SplittableRandom(5);
        IntervalTree<Iv> tree = new IntervalTree<>();
        List<Iv> live = new ArrayList<>();
        for (int op = 0; op < 20_000; op++) {
            if (live.isEmpty() || rnd.nextInt(100) < 55) {
                long s = rnd.nextLong(1 << 20);
                long len = rnd.nextInt(50) == 0 ? rnd.nextLong(1 << 19) : rnd.nextLong(1 << 12);
                Iv iv = new Iv(s, s + len);
                tree.insert(iv);
                live.add(iv);
            } else {
                tree.remove(live.remove(rnd.nextInt(live.size())));
            }
            if (op % 1000 == 0) {
                assertNull(tree.checkInvariants());
            }
            if (op % 10 == 0) {
                long qs = rnd.nextLong(1 << 20);
                long ql = qs + rnd.nextLong(1 << 14);
                List<Iv> got = new ArrayList<>();
                tree.overlapping(qs, ql, got::add);
                long want = live.stream().filter(iv -> iv.start <= ql && iv.last >= qs).count();
                assertEquals(want, got.size());
                assertEquals(want, got.stream().distinct().count(), "each hit once");
                assertEquals(true, got.stream().allMatch(iv -> iv.start <= ql && iv.last >= qs), "only hits");
                assertEquals(want > 0, tree.anyOverlapping(qs, ql));
                for (int i = 1; i < got.size(); i++) {
                    assertEquals(true, got.get(i - 1).start <= got.get(i).start, "results in start order");
                }
            }
        }
        assertNull(tree.checkInvariants());
        assertEquals(live.size(), tree.size());
    }

    @Test
    void identicalIntervalsAreDistinctNodes() {
        IntervalTree<Iv> tree = new IntervalTree<>();
        Iv a = new Iv(10, 20);
        Iv b = new Iv(10, 20);
        tree.insert(a);
        tree.insert(b);
        tree.remove(a);
        List<Iv> got = new ArrayList<>();
        tree.overlapping(15, 15, got::add);
        assertEquals(List.of(b), got);
        assertNull(tree.checkInvariants());
    }
}
