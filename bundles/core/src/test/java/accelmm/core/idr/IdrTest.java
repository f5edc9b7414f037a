package accelmm.core.idr;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.idr.Idr;
import accelmm.api.idr.IdrEntry;
import accelmm.api.idr.Preload;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.fault.FailSite;

class IdrTest {
    private final CoreDiagnostics diag = CoreDiagnostics.create();
    private final FailSite site = diag.faults().site("idr.node");

    private IdrImpl<String> idr(int base) {
        return new IdrImpl<>(base, site, diag.warnings());
    }

    @Test
    void allocHandsOutLowestFreeIdInRange() {
        IdrImpl<String> idr = idr(0);
        assertEquals(0, idr.alloc("a", 0, 0));
        assertEquals(1, idr.alloc("b", 0, 0));
        assertEquals(10, idr.alloc("c", 10, 20));
        assertEquals(2, idr.alloc("d", 0, 0));
        assertEquals("c", idr.find(10));
        assertEquals(4, idr.count());
    }

    @Test
    void freedIdIsReusedAtOnce() {
        IdrImpl<String> idr = idr(0);
        for (int i = 0; i < 100; i++) {
            idr.alloc("x" + i, 0, 0);
        }
        assertEquals("x37", idr.remove(37));
        assertEquals(37, idr.alloc("new", 0, 0));
        assertEquals("new", idr.find(37));
    }

    @Test
    void negativeStartIsEinvalAndChangesNothing() {
        IdrImpl<String> idr = idr(0);
        assertErrno(Errno.EINVAL, () -> idr.alloc("a", -1, 0));
        assertTrue(idr.isEmpty());
    }

    @Test
    void endIsExclusiveAndFullRangeIsEnospc() {
        IdrImpl<String> idr = idr(0);
        assertEquals(5, idr.alloc("a", 5, 7));
        assertEquals(6, idr.alloc("b", 5, 7));
        assertErrno(Errno.ENOSPC, () -> idr.alloc("c", 5, 7));
        assertErrno(Errno.ENOSPC, () -> idr.alloc("c", 7, 7));
        assertErrno(Errno.ENOSPC, () -> idr.alloc("c", 9, 8));
        assertEquals(2, idr.count());
    }

    @Test
    void endNotPositiveMeansUpToIntMaxInclusive() {
        IdrImpl<String> idr = idr(0);
        assertEquals(Integer.MAX_VALUE, idr.alloc("top", Integer.MAX_VALUE, 0));
        assertErrno(Errno.ENOSPC, () -> idr.alloc("over", Integer.MAX_VALUE, -5));
        // start + N overflowing to a negative end still means "up to INT_MAX"
        assertEquals(Integer.MAX_VALUE - 1, idr.alloc("x", Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1 + 10));
    }

    @Test
    void baseIsNeverUndercut() {
        IdrImpl<String> idr = idr(1);
        assertEquals(1, idr.alloc("a", 0, 0));
        assertEquals(2, idr.alloc("b", 0, 0));
        assertNull(idr.find(0));
        assertFalse(idr.isAllocated(0));
        assertNull(idr.remove(0));
        assertErrno(Errno.ENOENT, () -> idr.replace("z", 0));
        assertEquals(new IdrEntry<>(1, "a"), idr.getNext(0));
    }

    @Test
    void nullEntriesHoldTheirIdButStayInvisible() {
        IdrImpl<String> idr = idr(0);
        int reserved = idr.alloc(null, 0, 0);
        idr.alloc("b", 0, 0);
        assertFalse(idr.isEmpty());
        assertTrue(idr.isAllocated(reserved));
        assertNull(idr.find(reserved));
        assertEquals(new IdrEntry<>(1, "b"), idr.getNext(0));
        List<Long> seen = new ArrayList<>();
        idr.forEach((id, v) -> {
            seen.add(id);
            return 0;
        });
        assertEquals(List.of(1L), seen);
        assertEquals(2, idr.alloc("c", 0, 0));
        assertNull(idr.replace("published", reserved));
        assertEquals("published", idr.find(reserved));
    }

    @Test
    void replaceOfFreeIdIsEnoentAndReturnsOldValueOtherwise() {
        IdrImpl<String> idr = idr(0);
        assertErrno(Errno.ENOENT, () -> idr.replace("a", 3));
        int id = idr.alloc("a", 0, 0);
        assertEquals("a", idr.replace("b", id));
        assertEquals("b", idr.find(id));
        idr.remove(id);
        assertErrno(Errno.ENOENT, () -> idr.replace("c", id));
        assertErrno(Errno.ENOENT, () -> idr.replace("c", -1));
        assertErrno(Errno.ENOENT, () -> idr.replace("c", 1L << 40));
    }

    @Test
    void removeOfFreeIdReturnsNullWithoutWarning() {
        IdrImpl<String> idr = idr(0);
        assertNull(idr.remove(5));
        assertNull(idr.remove(-5));
        idr.alloc("a", 0, 0);
        assertNull(idr.remove(1_000_000));
        assertEquals(0, diag.warnings().count());
    }

    @Test
    void allocU32ReachesUintMaxWithInclusiveMax() {
        IdrImpl<String> idr = idr(0);
        assertEquals(0xFFFF_FFFFL, idr.allocU32("top", 0xFFFF_FFFFL, 0xFFFF_FFFFL));
        assertErrno(Errno.ENOSPC, () -> idr.allocU32("again", 0xFFFF_FFFFL, 0xFFFF_FFFFL));
        assertEquals(0xFFFF_FFFEL, idr.allocU32("next", 0xFFFF_FFF0L + 14, 0xFFFF_FFFFL));
        assertEquals(5, idr.allocU32("low", 5, 5));
        assertErrno(Errno.EINVAL, () -> idr.allocU32("bad", -1, 10));
        assertErrno(Errno.EINVAL, () -> idr.allocU32("bad", 0, 1L << 32));
        assertEquals("top", idr.find(0xFFFF_FFFFL));
        assertEquals(3, idr.count());
        assertNull(idr.checkInvariants());
    }

    @Test
    void wideIdsAreNeverTruncatedIntoOtherIds() {
        IdrImpl<String> idr = idr(0);
        idr.alloc("five", 5, 6);
        assertNull(idr.find((1L << 32) + 5));
        assertNull(idr.find(-((1L << 32)) + 5));
        assertNull(idr.remove((1L << 32) + 5));
        assertEquals("five", idr.find(5));
    }

    @Test
    void idsAboveIntMaxAreNotVisitedAndWarn() {
        IdrImpl<String> idr = idr(0);
        idr.alloc("low", 7, 8);
        idr.allocU32("high", 0x8000_0005L, 0xFFFF_FFFFL);
        List<Long> seen = new ArrayList<>();
        assertEquals(0, idr.forEach((id, v) -> {
            seen.add(id);
            return 0;
        }));
        assertEquals(List.of(7L), seen);
        assertEquals(1, diag.warnings().count());
        assertNull(idr.getNext(8));
        assertEquals(2, diag.warnings().count());
        assertEquals(new IdrEntry<>(0x8000_0005L, "high"), idr.getNextUl(8));
    }

    @Test
    void forEachIsAscendingAndStopsWithTheVisitorsValue() {
        IdrImpl<String> idr = idr(0);
        for (int id : new int[] {900, 3, 70_000, 64, 65}) {
            idr.alloc("v" + id, id, id + 1);
        }
        List<Long> seen = new ArrayList<>();
        assertEquals(0, idr.forEach((id, v) -> {
            seen.add(id);
            assertEquals("v" + id, v);
            return 0;
        }));
        assertEquals(List.of(3L, 64L, 65L, 900L, 70_000L), seen);
        assertEquals(42, idr.forEach((id, v) -> id == 900 ? 42 : 0));
    }

    @Test
    void getNextContinuesFromIdPlusOne() {
        IdrImpl<String> idr = idr(0);
        for (int id : new int[] {1, 63, 64, 4095, 4096, 262_144}) {
            idr.alloc("v" + id, id, id + 1);
        }
        List<Long> seen = new ArrayList<>();
        for (IdrEntry<String> e = idr.getNext(0); e != null; e = idr.getNext(e.id() + 1)) {
            seen.add(e.id());
        }
        assertEquals(List.of(1L, 63L, 64L, 4095L, 4096L, 262_144L), seen);
        assertNull(idr.getNext(262_145));
        assertNull(idr.getNextUl(1L << 33));
    }

    @Test
    void cyclicAllocationMovesTheCursorAndWrapsOnce() {
        IdrImpl<String> idr = idr(0);
        assertEquals(1, idr.allocCyclic("a", 1, 4));
        assertEquals(2, idr.allocCyclic("b", 1, 4));
        idr.remove(1);
        assertEquals(3, idr.allocCyclic("c", 1, 4));
        assertEquals(4, idr.cursor());
        assertEquals(1, idr.allocCyclic("d", 1, 4));
        assertErrno(Errno.ENOSPC, () -> idr.allocCyclic("e", 1, 4));
        assertEquals(2, idr.cursor());
        idr.remove(2);
        idr.setCursor(100);
        assertEquals(2, idr.allocCyclic("f", 1, 4));
        assertErrno(Errno.EINVAL, () -> idr.allocCyclic("g", -1, 4));
    }

    @Test
    void cyclicAllocationTreatsACursorAboveIntMaxAsBelowStart() {
        IdrImpl<String> idr = idr(0);
        idr.setCursor(0x8000_0000L);
        assertEquals(10, idr.allocCyclic("a", 10, 0));
        assertEquals(11, idr.cursor());
    }

    @Test
    void destroyEmptiesAndLeavesTheIdrUsable() {
        IdrImpl<String> idr = idr(0);
        for (int i = 0; i < 5000; i++) {
            idr.alloc("v", 0, 0);
        }
        idr.destroy();
        idr.destroy();
        assertTrue(idr.isEmpty());
        assertNull(idr.find(10));
        assertEquals(0, idr.alloc("again", 0, 0));
        assertNull(idr.checkInvariants());
    }

    @Test
    void injectedNodeFailureIsEnomemAndChangesNothing() {
        IdrImpl<String> idr = idr(0);
        for (int i = 0; i < 64; i++) {
            idr.alloc("v" + i, 0, 0);
        }
        site.arm(100, 1, -1, 1);
        assertErrno(Errno.ENOMEM, () -> idr.alloc("needs-a-node", 0, 0));
        assertErrno(Errno.ENOMEM, () -> idr.allocU32("far", 0xF000_0000L, 0xFFFF_FFFFL));
        assertEquals(64, idr.count());
        assertFalse(idr.isAllocated(64));
        assertNull(idr.checkInvariants());
        assertEquals("v63", idr.remove(63));
        assertEquals(63, idr.alloc("fits-without-a-node", 0, 0));
        site.disarm();
    }

    @Test
    void preloadGuaranteesTheNextAllocationUnderInjectedEnomem() {
        IdrImpl<String> idr = idr(0);
        site.arm(100, 1, -1, 1);
        try (Preload p = idr.preload()) {
            assertEquals(0, idr.alloc("first", 0, 0));
        }
        try (Preload p = idr.preload()) {
            assertEquals(0xFFFF_0000L, idr.allocU32("far", 0xFFFF_0000L, 0xFFFF_FFFFL));
        }
        try (Preload p = idr.preload()) {
            assertEquals(0xFFFF_FFFFL, idr.allocU32("farthest", 0xFFFF_FFFFL, 0xFFFF_FFFFL));
        }
        assertErrno(Errno.ENOMEM, () -> idr.alloc("no-preload", 64, 0));
        site.disarm();
        assertNull(idr.checkInvariants());
        assertEquals(3, idr.count());
    }

    @Test
    void aMillionIdsKeepTheTreeInvariants() {
        IdrImpl<Integer> idr = new IdrImpl<>(1, site, diag.warnings());
        for (int i = 1; i <= 1_000_000; i++) {
            assertEquals(i, idr.alloc(i, 1, 0));
        }
        for (int i = 1; i <= 1_000_000; i += 3) {
            assertEquals(i, idr.remove(i));
        }
        assertNull(idr.checkInvariants());
        assertEquals(1, idr.alloc(-1, 1, 0));
        assertEquals(4, idr.alloc(-1, 2, 0));
        assertEquals(1_000_000, idr.alloc(-1, 999_999, 0));
        assertEquals(1_000_001, idr.alloc(-1, 999_999, 0));
        assertTrue(idr.footprintBytes() / idr.count() < 8, "bytes per id " + idr.footprintBytes() / idr.count());
        for (int i = 1; i <= 1_000_001; i++) {
            idr.remove(i);
        }
        assertTrue(idr.isEmpty());
        assertNull(idr.checkInvariants());
    }

    @Test
    void idrInterfaceConstantsMatchTheKernel() {
        assertEquals(Integer.MAX_VALUE, Idr.MAX_INT_ID);
        assertEquals(4294967295L, Idr.MAX_U32_ID);
    }
}
