package accelmm.core.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.dma.SgEntry;
import accelmm.api.dma.SgTable;

/** The cases of the kernel's tools/testing/scatterlist/main.c, and the habanalabs DMA-only rules. */
class ScatterlistTest {
    static final long P = 4096;
    static final long SGMAX = Scatterlist.SG_MAX_SEGMENT;

    /** {expected errno or 0, size, max segment, expected entries, pfns..., [-1, appended pfns...]}. */
    record Case(int err, long size, long maxSeg, int nents, long[] pfns, long[] append) {
    }

    static long[] pfn(long... p) {
        return p;
    }

    static final List<Case> CASES = List.of(
            new Case(22, P, 0, 1, pfn(0), null),
            new Case(0, P, P + 1, 1, pfn(0), null),
            new Case(0, P, SGMAX, 1, pfn(0), null),
            new Case(0, 1, SGMAX, 1, pfn(0), null),
            new Case(0, 2 * P, SGMAX, 1, pfn(0, 1), null),
            new Case(0, 2 * P, SGMAX, 2, pfn(1, 0), null),
            new Case(0, 3 * P, SGMAX, 1, pfn(0, 1, 2), null),
            new Case(0, 3 * P, SGMAX, 1, pfn(0, 1, 2), pfn(3, 4, 5)),
            new Case(0, 3 * P, SGMAX, 2, pfn(0, 1, 2), pfn(4, 5, 6)),
            new Case(0, 3 * P, SGMAX, 3, pfn(0, 2, 1), null),
            new Case(0, 3 * P, SGMAX, 2, pfn(0, 1, 3), null),
            new Case(0, 3 * P, SGMAX, 2, pfn(1, 2, 4), null),
            new Case(0, 3 * P, SGMAX, 2, pfn(1, 3, 4), null),
            new Case(0, 4 * P, SGMAX, 2, pfn(0, 1, 3, 4), null),
            new Case(0, 5 * P, SGMAX, 2, pfn(0, 1, 3, 4, 5), null),
            new Case(0, 5 * P, SGMAX, 3, pfn(0, 1, 3, 4, 6), null),
            new Case(0, 5 * P, SGMAX, 1, pfn(0, 1, 2, 3, 4), null),
            new Case(0, 5 * P, 2 * P, 3, pfn(0, 1, 2, 3, 4), null),
            new Case(0, 6 * P, 2 * P, 3, pfn(0, 1, 2, 3, 4, 5), null),
            new Case(0, 6 * P, 2 * P, 4, pfn(0, 2, 3, 4, 5, 6), null),
            new Case(0, 6 * P, 2 * P, 3, pfn(0, 1, 3, 4, 5, 6), null));

    @Test
    void theKernelsScatterlistCasesGiveTheSameEntryCounts() {
        for (Case c : CASES) {
            if (c.err() != 0) {
                assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                        () -> Scatterlist.fromPages(c.pfns(), 0, c.size(), c.maxSeg())).errno());
                continue;
            }
            SgTable t = Scatterlist.fromPages(c.pfns(), 0, c.size(), c.maxSeg());
            if (c.append() != null) {
                t = Scatterlist.append(t, c.append(), 0, c.size(), c.maxSeg());
            }
            assertEquals(c.nents(), t.nents(), c.toString());
            assertEquals(t.nents(), t.origNents());
            long want = c.size() * (c.append() == null ? 1 : 2);
            assertEquals(want, t.length(), c.toString());
            for (SgEntry e : t.entries()) {
                assertTrue(e.length() <= (c.maxSeg() & -P), "entry over the segment limit in " + c);
            }
        }
    }

    @Test
    void theOffsetTrimsTheFirstEntryAndTheSizeTheLast() {
        SgTable t = Scatterlist.fromPages(pfn(10, 11, 12), 100, 2 * P, SGMAX);
        assertEquals(List.of(new SgEntry(10, 100, 2 * P, -1)), t.entries());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> Scatterlist.fromPages(pfn(1), 100, P, SGMAX)).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> Scatterlist.append(t, pfn(13), 5, P, SGMAX)).errno());
    }

    @Test
    void anAppendMergesWholePagesIntoTheLastEntryWithinTheSegmentLimitAsTheKernel() {
        SgTable t = Scatterlist.fromPages(pfn(10, 11), 0, 2 * P, 3 * P);
        SgTable merged = Scatterlist.append(t, pfn(12, 13, 20), 0, 3 * P, 3 * P);
        assertEquals(List.of(new SgEntry(10, 0, 3 * P, -1), new SgEntry(13, 0, P, -1), new SgEntry(20, 0, P, -1)),
                merged.entries(), "12 fills the last entry to the limit, 13 starts a new one");
        SgTable partial = Scatterlist.append(t, pfn(12, 30), 0, P + 100, SGMAX);
        assertEquals(List.of(new SgEntry(10, 0, 3 * P, -1), new SgEntry(30, 0, P, -1)), partial.entries(),
                "a merged page counts whole and is not taken off the size, as in lib/scatterlist.c");
        assertEquals(List.of(new SgEntry(10, 0, 2 * P, -1), new SgEntry(40, 0, P + 100, -1)),
                Scatterlist.append(t, pfn(40, 41), 0, P + 100, SGMAX).entries(), "without a merge the size trims the last entry");
        assertEquals(List.of(new SgEntry(10, 0, 2 * P, -1), new SgEntry(12, 0, 2 * P, -1)),
                Scatterlist.append(t, pfn(12, 13), 0, 2 * P, 2 * P).entries(), "a full last entry takes nothing more");
        assertEquals(t.entries(), Scatterlist.fromPages(pfn(10, 11), 0, 2 * P, 3 * P).entries(), "the table appended to is unchanged");
        assertEquals(List.of(new SgEntry(10, 0, 2 * P, -1)), Scatterlist.append(null, pfn(10, 11), 0, 2 * P, SGMAX).entries());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> Scatterlist.append(t, pfn(12), 0, P, 100)).errno());
    }

    @Test
    void deviceMemoryGetsADmaOnlyTableSplitOrMergedByTheSegmentLimit() {
        long m2 = 2L << 20;
        SgTable split = Scatterlist.dmaOnlyFromDevicePages(new long[] {0x1000_0000L}, m2, m2, 512 * 1024);
        assertEquals(4, split.nents());
        assertEquals(0, split.origNents());
        assertTrue(split.dmaOnly());
        assertEquals(0x1000_0000L + 3 * 512 * 1024, split.entries().get(3).dmaAddress());
        SgTable merged = Scatterlist.dmaOnlyFromDevicePages(new long[] {0, m2, 2 * m2, 10 * m2}, m2, 4 * m2, 8L << 20);
        assertEquals(List.of(new SgEntry(-1, 0, 3 * m2, 0), new SgEntry(-1, 0, m2, 10 * m2)), merged.entries());
        SgTable clipped = Scatterlist.dmaOnlyFromDevicePages(new long[] {0, m2}, m2, m2 + 4096, 8L << 20);
        assertEquals(m2 + 4096, clipped.length(), "never more than the exported size");
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> Scatterlist.dmaOnlyFromDevicePages(new long[] {0}, m2, m2, 4095)).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> Scatterlist.dmaOnlyFromDevicePages(new long[] {0}, m2, m2 + 1, 8L << 20)).errno());
    }
}
