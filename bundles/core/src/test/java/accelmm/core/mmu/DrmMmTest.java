package accelmm.core.mmu;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.DrmMm.Mode;
import accelmm.api.mmu.DrmMmNode;

class DrmMmTest {

    final DrmMmImpl mm = new DrmMmImpl(100, 1000, null);

    @Test
    void anEmptyOrWrappingRangeIsEinval() {
        assertErrno(Errno.EINVAL, () -> new DrmMmImpl(0, 0, null));
        assertErrno(Errno.EINVAL, () -> new DrmMmImpl(-2L, 3, null));
        assertErrno(Errno.EINVAL, () -> new DrmMmImpl(1, -1L, null));
    }

    @Test
    void theWholeUnsigned64BitRangeAndAlignmentsUpTo2To63AreManaged() {
        DrmMmImpl all = new DrmMmImpl(0, -1L, null);
        long top = 1L << 63;
        assertEquals(new DrmMmNode(top, 16, 0), all.insertNode(16, top, 0, 1, -1L, Mode.LOW), "aligned to 2^63, above it");
        assertEquals(new DrmMmNode(-1L - 16, 16, 0), all.insertNode(16, 0, 0, 0, -1L, Mode.HIGH), "the top of [0, U64_MAX)");
        assertEquals(new DrmMmNode(top + 16, top - 33, 0), all.insertNode(top - 33, 0, 0, top, -1L, Mode.BEST),
                "the hole between them, 2^63 - 33 units");
        assertErrno(Errno.ENOSPC, () -> all.insertNode(2, top, 0, top + 1, -1L, Mode.LOW));
        assertEquals(new DrmMmNode(0, 4, 0), all.insertNode(4, top, 0, 0, -1L, Mode.LOW), "0 is aligned to 2^63 too");
        assertErrno(Errno.ENOSPC, () -> all.reserveNode(-1L - 17, 1, 0));
        assertEquals(new DrmMmNode(100, 1, 0), all.reserveNode(100, 1, 0));
        assertErrno(Errno.ENOSPC, () -> all.reserveNode(-1L - 1, 2, 0));
        List<DrmMmNode> nodes = all.nodes();
        for (int i = 1; i < nodes.size(); i++) {
            assertTrue(Long.compareUnsigned(nodes.get(i - 1).end(), nodes.get(i).start()) <= 0, "in unsigned order: " + nodes);
        }
        assertEquals(top, nodes.get(2).start(), "the node at 2^63 sorts after those below it, not first");
    }

    @Test
    void lowHighAndBestPlaceNodesWhereTheKernelDoes() {
        assertEquals(new DrmMmNode(100, 10, 0), mm.insertNode(10, 0, 0, 0, Long.MAX_VALUE, Mode.LOW));
        assertEquals(new DrmMmNode(1090, 10, 0), mm.insertNode(10, 0, 0, 0, Long.MAX_VALUE, Mode.HIGH));
        DrmMmNode mid = mm.reserveNode(500, 10, 0);
        mm.reserveNode(515, 10, 0);
        assertEquals(new DrmMmNode(510, 5, 0), mm.insertNode(5, 0, 0, 0, Long.MAX_VALUE, Mode.BEST), "the 5-unit hole");
        mm.removeNode(mid);
        assertEquals(new DrmMmNode(110, 10, 0), mm.insertNode(10, 0, 0, 0, Long.MAX_VALUE, Mode.BEST),
                "the freed node merged into the 400-unit hole, now the smallest; BEST places at its start");
    }

    @Test
    void alignmentRoundsUpLowAndDownHigh() {
        assertEquals(128, mm.insertNode(8, 64, 0, 0, Long.MAX_VALUE, Mode.LOW).start());
        assertEquals(1088, mm.insertNode(8, 64, 0, 0, Long.MAX_VALUE, Mode.HIGH).start(), "1092 rounded down to 64");
        assertEquals(105, mm.insertNode(3, 7, 0, 0, Long.MAX_VALUE, Mode.LOW).start(), "alignments need not be powers of two");
    }

    @Test
    void aRangeRestrictsThePlacement() {
        DrmMmNode n = mm.insertNode(10, 0, 0, 300, 400, Mode.HIGH);
        assertEquals(390, n.start());
        assertErrno(Errno.ENOSPC, () -> mm.insertNode(10, 0, 0, 300, 305, Mode.LOW));
    }

    @Test
    void zeroSizeAndMisfitsAreEnospc() {
        assertErrno(Errno.ENOSPC, () -> mm.insertNode(0, 0, 0, 0, Long.MAX_VALUE, Mode.LOW));
        assertErrno(Errno.ENOSPC, () -> mm.insertNode(1001, 0, 0, 0, Long.MAX_VALUE, Mode.LOW));
        mm.insertNode(1000, 0, 0, 0, Long.MAX_VALUE, Mode.LOW);
        assertErrno(Errno.ENOSPC, () -> mm.insertNode(1, 0, 0, 0, Long.MAX_VALUE, Mode.BEST));
    }

    @Test
    void reservingOutsideOverlappingEmptyOrWrappingIsEnospc() {
        mm.reserveNode(200, 50, 0);
        assertErrno(Errno.ENOSPC, () -> mm.reserveNode(240, 20, 0));
        assertErrno(Errno.ENOSPC, () -> mm.reserveNode(190, 11, 0));
        assertErrno(Errno.ENOSPC, () -> mm.reserveNode(50, 10, 0));
        assertErrno(Errno.ENOSPC, () -> mm.reserveNode(1095, 10, 0));
        assertErrno(Errno.ENOSPC, () -> mm.reserveNode(300, 0, 0));
        assertErrno(Errno.ENOSPC, () -> mm.reserveNode(Long.MAX_VALUE - 1, 5, 0));
        assertEquals(new DrmMmNode(190, 10, 0), mm.reserveNode(190, 10, 0));
        assertErrno(Errno.ENOENT, () -> mm.removeNode(new DrmMmNode(190, 11, 0)));
    }

    @Test
    void colorAdjustKeepsAGuardBetweenDifferentColours() {
        DrmMm guarded = new DrmMmImpl(0, 100, (before, color, s, e) ->
                before != null && before.color() != color ? new long[] {s + 1, e} : new long[] {s, e});
        guarded.insertNode(10, 0, 1, 0, Long.MAX_VALUE, Mode.LOW);
        assertEquals(10, guarded.insertNode(5, 0, 1, 0, Long.MAX_VALUE, Mode.LOW).start(), "same colour: adjacent");
        assertEquals(16, guarded.insertNode(5, 0, 2, 0, Long.MAX_VALUE, Mode.LOW).start(), "other colour: one unit apart");
        assertErrno(Errno.ENOSPC, () -> guarded.reserveNode(21, 3, 1));
        assertEquals(22, guarded.reserveNode(22, 3, 1).start());
    }

    @Test
    void randomInsertsAndRemovesNeverOverlap() {
        SplittableRandom rnd = new SplittableRandom(11);
        DrmMmImpl big = new DrmMmImpl(0, 1 << 20, null);
        List<DrmMmNode> live = new ArrayList<>();
        Mode[] modes = Mode.values();
        for (int op = 0; op < 5000; op++) {
            if (live.isEmpty() || rnd.nextInt(100) < 60) {
                try {
                    live.add(big.insertNode(1 + rnd.nextInt(4096), 1L << rnd.nextInt(8), 0, 0, Long.MAX_VALUE,
                            modes[rnd.nextInt(modes.length)]));
                } catch (ErrnoException e) {
                    assertEquals(Errno.ENOSPC, e.errno());
                }
            } else {
                big.removeNode(live.remove(rnd.nextInt(live.size())));
            }
            List<DrmMmNode> all = big.nodes();
            for (int i = 0; i < all.size(); i++) {
                assertTrue(all.get(i).start() >= 0 && all.get(i).end() <= 1 << 20);
                if (i > 0) {
                    assertTrue(all.get(i - 1).end() <= all.get(i).start(), "overlap at op " + op);
                }
            }
            assertEquals(live.size(), all.size());
        }
    }
}
