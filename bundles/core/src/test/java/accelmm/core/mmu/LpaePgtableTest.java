package accelmm.core.mmu;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mmu.IoTlbOps;
import accelmm.api.mmu.IoPgtableFormat;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.core.fault.FaultInjector;

class LpaePgtableTest {
    static final long K4 = 1L << 12;
    static final long M2 = 1L << 21;
    static final long G1 = 1L << 30;
    static final int RW = IommuProt.READ | IommuProt.WRITE;

    /** Counts flushes. */
    static final class Tlb implements IoTlbOps {
        int all;
        int walks;

        @Override
        public void flushAll() {
            all++;
        }

        @Override
        public void flushWalk(long iova, long size, long granule) {
            walks++;
        }
    }

    final Tlb tlb = new Tlb();
    final FaultInjector faults = new FaultInjector();
    final LpaePgtable pt = new LpaePgtable(LpaePgtable.GRANULE_4K_SIZES, 48, 40, tlb, faults.site("iopgtable.table"));


    @Test
    void mapEachMapsScatteredPagesAllOrNothing() {
        long[] pas = {0x10_0000_0000L, 0x20_0000_0000L + 5 * K4, 0x30_0000_0000L};
        pt.mapEach(0x4000_0000L, pas, K4, RW);
        for (int i = 0; i < pas.length; i++) {
            assertEquals(pas[i] + 12, pt.iovaToPhys(0x4000_0000L + i * K4 + 12));
        }
        pt.mapPages(0x5000_0000L + 2 * K4, 0x40_0000_0000L, K4, 1, RW);
        assertErrno(Errno.EEXIST, () -> pt.mapEach(0x5000_0000L, pas, K4, RW));
        assertEquals(0, pt.iovaToPhys(0x5000_0000L), "the pages mapped before the failure are unmapped again");
        assertEquals(0, pt.iovaToPhys(0x5000_0000L + K4));
        assertEquals(0x40_0000_0000L, pt.iovaToPhys(0x5000_0000L + 2 * K4), "what was there stays");
    }

    @Test
    void badConfigurationsAreEinval() {
        assertErrno(Errno.EINVAL, () -> new LpaePgtable(0, 48, 40, tlb, null));
        assertErrno(Errno.EINVAL, () -> new LpaePgtable(M2, 48, 40, tlb, null));
        assertErrno(Errno.EINVAL, () -> new LpaePgtable(1L << 13, 48, 40, tlb, null));
        assertErrno(Errno.EINVAL, () -> new LpaePgtable(K4, 52, 40, tlb, null));
        assertErrno(Errno.EINVAL, () -> new LpaePgtable(K4, 31, 40, tlb, null));
        assertErrno(Errno.EINVAL, () -> new LpaePgtable(K4, 48, 40, null, null));
        assertErrno(Errno.EINVAL, () -> new LpaePgtable(null, K4, 48, 40, tlb, null));
    }

    static final long K16 = 1L << 14;
    static final long M32 = 1L << 25;
    static final long K64 = 1L << 16;
    static final long M512 = 1L << 29;

    @Test
    void thePageSizesChooseTheGranuleAndAreCutToItAsArmLpaeRestrictPgsizes() {
        assertEquals(K4, new LpaePgtable(K4 | K64, 48, 40, tlb, null).pgsizeBitmap(), "4K wins; 64K is not a 4K-granule size");
        LpaePgtable g16 = new LpaePgtable(K16 | M32 | M2, 48, 48, tlb, null);
        assertEquals(K16, g16.granule());
        assertEquals(K16 | M32, g16.pgsizeBitmap());
        LpaePgtable g64 = new LpaePgtable(K64 | M512 | M32, 48, 48, tlb, null);
        assertEquals(K64, g64.granule());
        assertEquals(K64 | M512, g64.pgsizeBitmap());
    }

    @Test
    void theWalkHasAsFewLevelsAsTheInputSizeNeedsAndStageTwoConcatenates() {
        record Geometry(IoPgtableFormat fmt, long sizes, int ias, int start, int entries) {
        }
        IoPgtableFormat s1 = IoPgtableFormat.ARM_64_LPAE_S1;
        IoPgtableFormat s2 = IoPgtableFormat.ARM_64_LPAE_S2;
        for (Geometry g : List.of(
                new Geometry(s1, K4, 48, 0, 512), new Geometry(s1, K4, 40, 0, 2), new Geometry(s1, K4, 39, 1, 512),
                new Geometry(s1, K4, 32, 1, 4), new Geometry(s2, K4, 40, 1, 1024), new Geometry(s2, K4, 48, 0, 512),
                new Geometry(s2, K4, 43, 1, 8192), new Geometry(s2, K4, 44, 0, 32),
                new Geometry(s1, K16, 48, 0, 2), new Geometry(s2, K16, 48, 1, 4096), new Geometry(s1, K16, 47, 1, 2048),
                new Geometry(s1, K16, 37, 1, 2), new Geometry(s1, K16, 36, 2, 2048), new Geometry(s1, K16, 32, 2, 128),
                new Geometry(s1, K64, 48, 1, 64), new Geometry(s2, K64, 48, 1, 64), new Geometry(s1, K64, 42, 2, 8192),
                new Geometry(s1, K64, 32, 2, 8))) {
            LpaePgtable t = new LpaePgtable(g.fmt(), g.sizes(), g.ias(), 48, tlb, null);
            assertEquals(g.start(), t.startLevel(), g.toString());
            assertEquals(g.entries(), t.startEntries(), g.toString());
        }
    }

    @Test
    void everyGranuleFormatAndAddressSizeMapsTranslatesAndFreesAtTheTopOfItsRange() {
        for (IoPgtableFormat fmt : IoPgtableFormat.values()) {
            for (long gran : new long[] {K4, K16, K64}) {
                for (int ias = 32; ias <= 48; ias++) {
                    LpaePgtable t = new LpaePgtable(fmt, gran, ias, 48, tlb, null);
                    long top = (1L << ias) - gran;
                    assertEquals(gran, t.mapPages(top, 7 * gran, gran, 1, RW), fmt + " " + gran + " " + ias);
                    assertEquals(7 * gran + 5, t.iovaToPhys(top + 5));
                    assertEquals(0, t.iovaToPhys(top - gran));
                    List<String> walk = t.walk(top);
                    assertEquals(4 - t.startLevel(), walk.size(), walk.toString());
                    assertTrue(walk.get(walk.size() - 1).startsWith("L3["), walk.toString());
                    assertErrno(Errno.ERANGE, () -> t.mapPages(top + gran, 0, gran, 1, RW));
                    assertEquals(gran, t.unmapPages(top, gran, 1, new IotlbGather()));
                    assertEquals(1, t.tables(), "every table below the start level is freed");
                }
            }
        }
    }

    @Test
    void sixteenAndSixtyFourKibGranulesMapTheirBlocks() {
        LpaePgtable g16 = new LpaePgtable(K16 | M32, 48, 48, tlb, null);
        assertEquals(M32, g16.mapPages(M32 * 3, M32, M32, 1, RW));
        assertEquals(M32 + 0x12345, g16.iovaToPhys(M32 * 3 + 0x12345));
        assertTrue(g16.walk(M32 * 3).get(2).contains("block -> 0x2000000"), g16.walk(M32 * 3).toString());
        assertEquals(0, g16.unmapPages(M32 * 3, K16, 1, new IotlbGather()), "a page of a block is not unmapped alone");
        assertErrno(Errno.EINVAL, () -> g16.mapPages(0, 0, K4, 1, RW));
        assertErrno(Errno.EEXIST, () -> g16.mapPages(M32 * 3 + K16, 0, K16, 1, RW));
        LpaePgtable g64 = new LpaePgtable(K64 | M512, 48, 48, tlb, null);
        assertEquals(2 * K64, g64.mapPages(M512, 3 * K64, K64, 2, RW));
        assertEquals(M512, g64.mapPages(2 * M512, 0, M512, 1, IommuProt.READ));
        assertEquals(4 * K64 + 9, g64.iovaToPhys(M512 + K64 + 9));
        assertEquals(0x1234567, g64.iovaToPhys(2 * M512 + 0x1234567));
        List<long[]> leaves = new java.util.ArrayList<>();
        g64.forEachLeaf((iova, paddr, size, prot) -> leaves.add(new long[] {iova, paddr, size}));
        assertEquals(3, leaves.size());
        assertEquals(M512, leaves.get(2)[2]);
    }

    @Test
    void everyPageSizeMapsAndTranslatesWithTheInPageOffset() {
        assertEquals(K4, pt.mapPages(0x1000, 0x5000, K4, 1, RW));
        assertEquals(2 * M2, pt.mapPages(0x4000_0000L + 0x20_0000, 0x80_0000, M2, 2, RW));
        assertEquals(G1, pt.mapPages(0x80_0000_0000L, 0x40000000L, G1, 1, IommuProt.READ));
        assertEquals(0x5123, pt.iovaToPhys(0x1123));
        assertEquals(0x80_0000 + M2 + 0x345, pt.iovaToPhys(0x4000_0000L + 0x20_0000 + M2 + 0x345));
        assertEquals(0x40000000L + 0x1234_5678L, pt.iovaToPhys(0x80_0000_0000L + 0x1234_5678L));
        assertEquals(0, pt.iovaToPhys(0x2000));
        assertEquals(0, pt.iovaToPhys(-1));
        assertTrue(pt.walk(0x1123).get(3).contains("page -> 0x5000"));
        assertTrue(pt.walk(0x80_0000_0000L).get(1).contains("block -> 0x40000000"));
    }

    @Test
    void badSizesAlignmentAndCountsAreEinval() {
        LpaePgtable mali = new LpaePgtable(K4 | M2, 48, 40, tlb, null);
        assertErrno(Errno.EINVAL, () -> mali.mapPages(0, 0, G1, 1, RW));
        assertErrno(Errno.EINVAL, () -> pt.mapPages(0, 0, K4 | M2, 1, RW));
        assertErrno(Errno.EINVAL, () -> pt.mapPages(0x800, 0, K4, 1, RW));
        assertErrno(Errno.EINVAL, () -> pt.mapPages(0, 0x800, K4, 1, RW));
        assertErrno(Errno.EINVAL, () -> pt.mapPages(0x1000, 0, M2, 1, RW));
        assertErrno(Errno.EINVAL, () -> pt.mapPages(0, 0, K4, 0, RW));
        assertErrno(Errno.EINVAL, () -> pt.unmapPages(0x800, K4, 1, new IotlbGather()));
    }

    @Test
    void addressesBeyondTheInputOrOutputSizeAreErange() {
        assertErrno(Errno.ERANGE, () -> pt.mapPages(1L << 48, 0, K4, 1, RW));
        assertErrno(Errno.ERANGE, () -> pt.mapPages((1L << 48) - K4, 0, K4, 2, RW));
        assertErrno(Errno.ERANGE, () -> pt.mapPages(0, 1L << 40, K4, 1, RW));
        assertErrno(Errno.ERANGE, () -> pt.mapPages(0, (1L << 40) - K4, K4, 2, RW));
        assertEquals(0, pt.unmapPages(1L << 48, K4, 1, new IotlbGather()));
    }

    @Test
    void aLiveTranslationIsNeverOverwritten() {
        pt.mapPages(0x20_0000, 0x1000, K4, 1, RW);
        assertErrno(Errno.EEXIST, () -> pt.mapPages(0x20_0000, 0x9000, K4, 1, RW));
        assertErrno(Errno.EEXIST, () -> pt.mapPages(0x20_0000, 0x40_0000, M2, 1, RW));
        assertEquals(0x1000, pt.iovaToPhys(0x20_0000));
        pt.mapPages(0x60_0000, 0x40_0000, M2, 1, RW);
        assertErrno(Errno.EEXIST, () -> pt.mapPages(0x60_1000, 0x9000, K4, 1, RW));
        assertEquals(K4, pt.unmapPages(0x20_0000, K4, 1, new IotlbGather()));
        int walks = tlb.walks;
        assertEquals(M2, pt.mapPages(0x20_0000, 0x40_0000, M2, 1, RW), "a block may replace an empty table");
        assertTrue(tlb.walks >= walks);
    }

    @Test
    void aProtectionWithoutReadOrWriteMapsNothing() {
        assertEquals(0, pt.mapPages(0x1000, 0x1000, K4, 4, 0));
        assertEquals(0, pt.mapPages(0x1000, 0x1000, K4, 4, IommuProt.NOEXEC | IommuProt.CACHE));
        assertEquals(0, pt.iovaToPhys(0x1000));
        assertEquals(1, pt.tables());
    }

    @Test
    void aFailedMapLeavesNothingMapped() {
        pt.mapPages(0x5000, 0x5000, K4, 1, RW);
        assertErrno(Errno.EEXIST, () -> pt.mapPages(0x0, 0x10_0000, K4, 10, RW));
        for (long a = 0; a < 10 * K4; a += K4) {
            assertEquals(a == 0x5000 ? 0x5000 : 0, pt.iovaToPhys(a), "page 0x" + Long.toHexString(a));
        }
        faults.site("iopgtable.table").arm(100, 1, 1, 0);
        assertErrno(Errno.ENOMEM, () -> pt.mapPages(0x100_0000_0000L, 0, K4, 1, RW));
        assertEquals(0, pt.iovaToPhys(0x100_0000_0000L));
        assertEquals(K4, pt.mapPages(0x100_0000_0000L, 0, K4, 1, RW));
    }

    @Test
    void unmapGathersLeavesStopsAtHolesAndRefusesPartialBlocks() {
        pt.mapPages(0x10_0000, 0x10_0000, K4, 4, RW);
        IotlbGather g = new IotlbGather();
        assertEquals(2 * K4, pt.unmapPages(0x10_1000, K4, 2, g));
        assertEquals(2, g.pages());
        assertEquals(0x10_1000, g.start());
        assertEquals(0x10_3000, g.end());
        assertEquals(K4, pt.unmapPages(0x10_3000, K4, 5, new IotlbGather()), "stops at the first hole");
        pt.mapPages(0x40_0000, 0x40_0000, M2, 1, RW);
        assertEquals(0, pt.unmapPages(0x40_1000, K4, 1, new IotlbGather()), "no split of a block on unmap");
        assertEquals(0x40_1000, pt.iovaToPhys(0x40_1000));
        pt.mapPages(0x80_0000, 0x90_0000, K4, 8, RW);
        assertEquals(M2, pt.unmapPages(0x80_0000, M2, 1, new IotlbGather()), "a block-sized unmap frees the table beneath");
        assertEquals(0, pt.iovaToPhys(0x80_3000));
        pt.unmapPages(0x10_0000, K4, 1, new IotlbGather());
        pt.unmapPages(0x40_0000, M2, 1, new IotlbGather());
        assertEquals(1, pt.tables(), "empty tables are freed");
    }

    @Test
    void randomMapsAndUnmapsMatchAReferenceMap() {
        SplittableRandom rnd = new SplittableRandom(17);
        Map<Long, Long> ref = new HashMap<>();
        long[] sizes = {K4, M2, G1};
        long space = 8 * G1;
        for (int op = 0; op < 4000; op++) {
            long size = sizes[rnd.nextInt(op % 7 == 0 ? 3 : 2)];
            long iova = rnd.nextLong(space / size) * size;
            long count = 1 + rnd.nextInt(size == K4 ? 8 : 2);
            if (iova + count * size > space) {
                continue;
            }
            if (rnd.nextBoolean()) {
                long paddr = rnd.nextLong((1L << 36) / size) * size;
                boolean free = true;
                for (long p = iova; p < iova + count * size && free; p += K4) {
                    free = !ref.containsKey(p);
                }
                try {
                    pt.mapPages(iova, paddr, size, count, RW);
                    assertTrue(free, "mapped over a live translation at 0x" + Long.toHexString(iova));
                    for (long p = 0; p < count * size; p += K4) {
                        ref.put(iova + p, paddr + p);
                    }
                } catch (ErrnoException e) {
                    assertEquals(Errno.EEXIST, e.errno());
                    assertTrue(!free, "refused a free range at 0x" + Long.toHexString(iova));
                }
            } else {
                long unmapped = pt.unmapPages(iova, size, count, new IotlbGather());
                if (size == K4) {
                    for (long p = 0; p < unmapped; p += K4) {
                        assertTrue(ref.remove(iova + p) != null, "unmapped a page that was not mapped");
                    }
                } else {
                    ref.keySet().removeIf(a -> a >= iova && a < iova + unmapped);
                }
            }
            for (int probe = 0; probe < 4; probe++) {
                long a = rnd.nextLong(space / K4) * K4;
                Long want = ref.get(a);
                assertEquals(want == null ? 0 : want, pt.iovaToPhys(a), "op " + op + " at 0x" + Long.toHexString(a));
            }
        }
        for (Map.Entry<Long, Long> e : ref.entrySet()) {
            assertEquals((long) e.getValue(), pt.iovaToPhys(e.getKey()));
        }
    }
}
