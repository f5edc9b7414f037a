package accelmm.core.mmu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mmu.GnaMmu;
import accelmm.core.fault.FaultInjector;

class GnaFlatMmuTest {
    static final long PAGE = 4096;

    static long[] pfns(long first, int n) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = first + i;
        }
        return p;
    }

    @Test
    void tooManyTablesIsEinvalAndAFailedAllocationIsEnomem() {
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> new GnaFlatMmu(65, 0, null)).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> new GnaFlatMmu(0, 0, null)).errno());
        FaultInjector f = new FaultInjector();
        f.site("gna.pt").arm(100, 3, 1, 0);
        assertEquals(Errno.ENOMEM, assertThrows(ErrnoException.class, () -> new GnaFlatMmu(8, 0, f.site("gna.pt"))).errno());
    }

    @Test
    void theDirectoryPointsAtTheTablesAndMarksTheRestInvalid() {
        int[] dir = new GnaFlatMmu(3, 0x500, null).pageDirectory();
        assertEquals(0x500, dir[0]);
        assertEquals(0x502, dir[2]);
        assertEquals(GnaMmu.PGDIR_INVALID, dir[3]);
        assertEquals(GnaMmu.PGDIR_INVALID, dir[63]);
    }

    @Test
    void objectsAreAppendedLinearlyAndVamaxaddrFollowsTheSeed() {
        GnaFlatMmu mmu = new GnaFlatMmu(4, 0, null);
        mmu.add(new long[0]);
        assertEquals(0, mmu.vamaxaddr());
        mmu.add(pfns(0x100, 3));
        assertEquals(3 * PAGE - 1, mmu.vamaxaddr());
        assertEquals((0x100L << 12) | 0x234, mmu.translate(0x234));
        assertEquals(-1, mmu.translate(3 * PAGE), "beyond vamaxaddr: VA out of range");
        mmu.add(pfns(0x900, 2));
        assertEquals(5 * PAGE - 1, mmu.vamaxaddr());
        assertEquals(0x901L << 12, mmu.translate(4 * PAGE));
        mmu.add(pfns(0x2000, 1024 - 5));
        assertEquals(1024 * PAGE - 1, mmu.vamaxaddr(), "a full table moves on to the next");
        mmu.add(pfns(0x3000, 1));
        assertEquals(0x3000L << 12, mmu.translate(1024 * PAGE));
    }

    @Test
    void pagesBeyondTheLastTableAreDroppedSilently() {
        GnaFlatMmu mmu = new GnaFlatMmu(2, 0, null);
        mmu.add(pfns(0x10, 2 * 1024 + 5));
        assertEquals(2 * 1024 * PAGE - 1, mmu.vamaxaddr());
        assertEquals(-1, mmu.translate(2 * 1024 * PAGE));
        mmu.add(pfns(0x99, 1));
        assertEquals(2 * 1024 * PAGE - 1, mmu.vamaxaddr());
    }

    @Test
    void clearEmptiesTheUsedEntriesAndResetsVamaxaddr() {
        GnaFlatMmu mmu = new GnaFlatMmu(2, 0, null);
        mmu.add(pfns(0x40, 1500));
        mmu.clear();
        assertEquals(0, mmu.vamaxaddr());
        assertEquals(-1, mmu.translate(0));
        mmu.add(pfns(0x7, 1));
        assertEquals(0x7L << 12, mmu.translate(0));
        assertEquals(-1, mmu.translate(1100 * PAGE), "beyond the new vamaxaddr");
        assertEquals(0, mmu.entry(0, 1), "clear zeroed the used entries of a full table");
        assertEquals(0, mmu.entry(1, 1100 - 1024 - 1), "and of the partly used one");
        assertEquals(0, mmu.entry(1, 1500 - 1024 - 1));
        assertArrayEquals(new GnaFlatMmu(2, 0, null).pageDirectory(), mmu.pageDirectory());
    }
}
