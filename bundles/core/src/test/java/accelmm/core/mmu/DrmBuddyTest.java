package accelmm.core.mmu;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.Block;
import accelmm.api.mm.BuddyFlags;
import accelmm.api.mmu.DrmBuddy;

/** drm_buddy: u64 managers, the kernel's argument checks, block choice, range fallback, trim. */
class DrmBuddyTest {
    static final long K4 = 4096;
    static final long M = 1L << 20;



    @Test
    void aManagerOfU64MaxBytesCostsNothingUntilUsed() {
        DrmBuddyImpl mm = new DrmBuddyImpl(-1L, K4);
        assertEquals(-K4, mm.size(), "U64_MAX rounded down to the chunk");
        assertEquals(DrmBuddy.MAX_ORDER, mm.maxOrder());
        assertEquals(52, mm.roots());
        assertEquals(-K4, mm.avail());
        List<Block> one = mm.allocBlocks(0, -K4, K4, K4, 0);
        assertEquals(List.of(new Block(-2 * K4, 12)), one, "the smallest root, at the top, is split last-in first");
        List<Block> top = mm.allocBlocks(0, -K4, 1L << 63, 1L << 63, 0);
        assertEquals(List.of(new Block(0, 63)), top, "the 2^63 root");
        assertEquals(-K4 - K4 - (1L << 63), mm.avail());
        List<Block> exact = mm.allocBlocks(1L << 63, (1L << 63) + 3 * K4, 3 * K4, K4, 0);
        assertEquals(List.of(new Block(1L << 63, 13), new Block((1L << 63) + 2 * K4, 12)), exact);
        mm.freeBlocks(top);
        mm.freeBlocks(one);
        mm.freeBlocks(exact);
        assertEquals(-K4, mm.avail());
        assertNull(mm.checkInvariants());
    }

    @Test
    void initAndAllocateCheckTheirArgumentsAsTheKernel() {
        assertErrno(Errno.EINVAL, () -> new DrmBuddyImpl(K4 - 1, K4));
        assertErrno(Errno.EINVAL, () -> new DrmBuddyImpl(M, 2048));
        assertErrno(Errno.EINVAL, () -> new DrmBuddyImpl(M, 3 * K4));
        DrmBuddyImpl mm = new DrmBuddyImpl(16 * M + 5 * K4 + 100, K4);
        assertEquals(16 * M + 5 * K4, mm.size());
        assertEquals(12, mm.maxOrder());
        assertEquals(3, mm.roots());
        assertErrno(Errno.EINVAL, () -> mm.allocBlocks(0, mm.size(), 2048, K4, 0));
        assertErrno(Errno.EINVAL, () -> mm.allocBlocks(0, mm.size(), K4, 2048, 0));
        assertErrno(Errno.EINVAL, () -> mm.allocBlocks(0, mm.size(), 2 * K4, 3 * K4, 0));
        assertErrno(Errno.EINVAL, () -> mm.allocBlocks(100, mm.size(), K4, K4, 0));
        assertErrno(Errno.EINVAL, () -> mm.allocBlocks(0, mm.size() + K4, K4, K4, 0));
        assertErrno(Errno.EINVAL, () -> mm.allocBlocks(mm.size(), mm.size(), K4, K4, 0), "start + size overflows the size");
        assertErrno(Errno.EINVAL, () -> mm.allocBlocks(0, mm.size(), 3 * K4, 2 * K4, 0), "not a multiple of the minimum");
        assertErrno(Errno.EINVAL, () -> mm.allocBlocks(0, mm.size(), 32 * M, K4, 0), "larger than the manager");
        List<Block> all16 = mm.allocBlocks(0, mm.size(), 16 * M, 16 * M, 0);
        assertErrno(Errno.ENOSPC, () -> mm.allocBlocks(0, mm.size(), 8 * K4, K4, 0), "5 pages are left");
        List<Block> five = mm.allocBlocks(0, mm.size(), 5 * K4, K4, 0);
        assertEquals(0, mm.avail());
        mm.freeBlocks(all16);
        mm.freeBlocks(five);
        assertEquals(mm.size(), mm.avail());
        assertErrno(Errno.EINVAL, () -> mm.freeBlocks(List.of(new Block(0, 12))));
        assertNull(mm.checkInvariants());
    }

    @Test
    void blocksComeFromTheOldestFreeBlockAndTopDownFromTheHighest() {
        DrmBuddyImpl mm = new DrmBuddyImpl(8 * M, K4);
        List<Block> a = mm.allocBlocks(0, 8 * M, K4, K4, 0);
        assertEquals(List.of(new Block(8 * M - K4, 12)), a, "splits go right");
        List<Block> b = mm.allocBlocks(0, 8 * M, 3 * K4, K4, 0);
        assertEquals(List.of(new Block(8 * M - 4 * K4, 13), new Block(8 * M - 2 * K4, 12)), b,
                "largest first, each from the oldest free block of its order");
        mm.freeBlocks(a);
        List<Block> c = mm.allocBlocks(0, 8 * M, K4, K4, 0);
        assertEquals(a, c, "a freed block is at the head of its list, and the tail gives");
        DrmBuddyImpl td = new DrmBuddyImpl(8 * M, K4);
        List<Block> low = td.allocBlocks(0, 4 * M, 4 * M, K4, 0);
        assertEquals(List.of(new Block(0, 22)), low);
        assertEquals(List.of(new Block(8 * M - M, 20)), td.allocBlocks(0, 8 * M, M, K4, BuddyFlags.TOPDOWN));
        for (DrmBuddyImpl x : List.of(mm, td)) {
            assertNull(x.checkInvariants());
        }
    }

    @Test
    void aRangeRequestFallsBackToSmallerBlocksInsideTheRange() {
        DrmBuddyImpl mm = new DrmBuddyImpl(8 * M, K4);
        // [1M, 3M) holds no aligned 2 MiB block, but two 1 MiB ones.
        List<Block> got = mm.allocBlocks(M, 3 * M, 2 * M, K4, BuddyFlags.RANGE);
        assertEquals(List.of(new Block(M, 20), new Block(2 * M, 20)), got);
        assertErrno(Errno.ENOSPC, () -> mm.allocBlocks(M, 3 * M, K4, K4, BuddyFlags.RANGE));
        assertErrno(Errno.ENOSPC, () -> mm.allocBlocks(0, 3 * M, 2 * M, M, BuddyFlags.RANGE),
                "only 1 MiB is free in the range");
        List<Block> rest = mm.allocBlocks(0, 3 * M, M, M, BuddyFlags.RANGE);
        assertEquals(List.of(new Block(0, 20)), rest);
        assertErrno(Errno.ENOSPC, () -> mm.allocBlocks(2 * M, 3 * M, M, M, BuddyFlags.RANGE | BuddyFlags.TOPDOWN));
        mm.freeBlocks(got);
        mm.freeBlocks(rest);
        assertEquals(8 * M, mm.avail());
        assertNull(mm.checkInvariants());
    }

    @Test
    void trimKeepsTheStartAndFreesTheRest() {
        DrmBuddyImpl mm = new DrmBuddyImpl(8 * M, K4);
        List<Block> big = mm.allocBlocks(0, 8 * M, 4 * M, 4 * M, 0);
        assertErrno(Errno.EINVAL, () -> mm.trim(big, 0));
        assertErrno(Errno.EINVAL, () -> mm.trim(big, 5 * M));
        assertErrno(Errno.EINVAL, () -> mm.trim(big, M + 1));
        assertEquals(big, mm.trim(big, 4 * M));
        List<Block> trimmed = mm.trim(big, 3 * M);
        long start = big.get(0).offset();
        assertEquals(List.of(new Block(start, 21), new Block(start + 2 * M, 20)), trimmed);
        assertEquals(5 * M, mm.avail());
        mm.freeBlocks(trimmed);
        assertEquals(8 * M, mm.avail());
        assertNull(mm.checkInvariants());
    }

    @Test
    void randomAllocationsNeverOverlapAndFreeingAllRestoresTheManager() {
        Random r = new Random(23);
        long size = 64 * M + 12 * K4;
        DrmBuddyImpl mm = new DrmBuddyImpl(size, K4);
        BitSet used = new BitSet();
        List<List<Block>> live = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            if (!live.isEmpty() && r.nextInt(3) == 0) {
                List<Block> b = live.remove(r.nextInt(live.size()));
                mm.freeBlocks(b);
                for (Block x : b) {
                    used.clear((int) (x.offset() / K4), (int) (x.end() / K4));
                }
                continue;
            }
            long min = K4 << r.nextInt(6);
            long want = min * (1 + r.nextInt(16));
            long start = r.nextBoolean() ? 0 : (r.nextInt((int) (size / M)) * M);
            long end = r.nextBoolean() ? size : Math.min(size, start + want + r.nextInt(8) * M);
            int flags = (r.nextBoolean() ? BuddyFlags.RANGE : 0) | (r.nextBoolean() ? BuddyFlags.TOPDOWN : 0);
            try {
                List<Block> got = mm.allocBlocks(start, end, want, min, flags);
                long total = 0;
                for (Block x : got) {
                    int from = (int) (x.offset() / K4);
                    int to = (int) (x.end() / K4);
                    assertTrue(used.nextSetBit(from) < 0 || used.nextSetBit(from) >= to, "no overlap");
                    used.set(from, to);
                    total += x.size();
                    if ((flags & BuddyFlags.RANGE) != 0 || start + want == end) {
                        assertTrue(x.offset() >= start && x.end() <= end, "inside the range");
                    }
                }
                assertEquals(want, total);
                live.add(got);
            } catch (ErrnoException e) {
                assertTrue(e.errno() == Errno.ENOSPC || e.errno() == Errno.EINVAL, e.getMessage());
            }
            assertEquals(size - (long) used.cardinality() * K4, mm.avail());
        }
        assertNull(mm.checkInvariants());
        for (List<Block> b : live) {
            mm.freeBlocks(b);
        }
        assertEquals(size, mm.avail());
        assertNull(mm.checkInvariants());
        assertEquals(mm.roots(), java.util.stream.IntStream.rangeClosed(0, mm.maxOrder()).mapToLong(mm::freeBlocks).sum(),
                "every root whole again");
    }
}
