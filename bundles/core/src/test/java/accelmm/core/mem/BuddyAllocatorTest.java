package accelmm.core.mem;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.Block;
import accelmm.api.mm.BuddyFlags;

class BuddyAllocatorTest {
    private static final long K4 = 4096;
    private static final long M1 = 1 << 20;


    private static long total(List<Block> blocks) {
        return blocks.stream().mapToLong(Block::size).sum();
    }

    @Test
    void initRejectsBadChunkSizesAndRoundsTheSizeDown() {
        assertErrno(Errno.EINVAL, () -> new BuddyAllocator(M1, 3000));
        assertErrno(Errno.EINVAL, () -> new BuddyAllocator(M1, 2048));
        assertErrno(Errno.EINVAL, () -> new BuddyAllocator(M1, 3 * K4));
        assertErrno(Errno.EINVAL, () -> new BuddyAllocator(K4 - 1, K4));
        BuddyAllocator b = new BuddyAllocator(12 * K4 + 100, K4);
        assertEquals(12 * K4, b.size());
        assertEquals(2, b.roots());
        assertEquals(3, b.maxOrder());
        assertEquals(1, b.freeBlocks(3));
        assertEquals(1, b.freeBlocks(2));
        assertNull(b.checkInvariants());
    }

    @Test
    void chunksComeLowestFirstOrTopDownAndMergeBackOnFree() {
        BuddyAllocator b = new BuddyAllocator(16 * K4, K4);
        assertEquals(0, b.allocChunks(0, false));
        assertEquals(1, b.allocChunks(0, false));
        assertEquals(15, b.allocChunks(0, true));
        assertEquals(2, b.allocChunks(1, false));
        assertEquals(11 * K4, b.available());
        assertNull(b.checkInvariants());
        b.freeChunks(0);
        b.freeChunks(1);
        b.freeChunks(15);
        b.freeChunks(2);
        assertEquals(1, b.freeBlocks(4));
        assertEquals(16 * K4, b.available());
        assertNull(b.checkInvariants());
        assertThrows(IllegalStateException.class, () -> b.freeChunks(0));
    }

    @Test
    void allocBlocksValidatesLikeDrmBuddy() {
        BuddyAllocator b = new BuddyAllocator(M1, K4);
        assertErrno(Errno.EINVAL, () -> b.allocBlocks(0, M1, 100, K4, 0));
        assertErrno(Errno.EINVAL, () -> b.allocBlocks(0, M1, K4, 2048, 0));
        assertErrno(Errno.EINVAL, () -> b.allocBlocks(0, M1, 3 * K4, 3 * K4, 0));
        assertErrno(Errno.EINVAL, () -> b.allocBlocks(100, M1, K4, K4, 0));
        assertErrno(Errno.EINVAL, () -> b.allocBlocks(0, M1 + K4, K4, K4, 0));
        assertErrno(Errno.EINVAL, () -> b.allocBlocks(M1 - K4, M1, 2 * K4, K4, 0));
        assertErrno(Errno.EINVAL, () -> b.allocBlocks(K4, 3 * K4, 2 * K4, 2 * K4, 0));
        assertEquals(M1, b.available());
    }

    @Test
    void anExactRangeIsAllocatedAsItsNaturalBlocksOrNotAtAll() {
        BuddyAllocator b = new BuddyAllocator(M1, K4);
        List<Block> r = b.allocBlocks(K4, 7 * K4, 6 * K4, K4, 0);
        assertEquals(List.of(new Block(K4, 12), new Block(2 * K4, 13), new Block(4 * K4, 13), new Block(6 * K4, 12)), r);
        assertErrno(Errno.ENOSPC, () -> b.allocBlocks(0, 2 * K4, 2 * K4, K4, 0));
        assertEquals(M1 - 6 * K4, b.available());
        assertNull(b.checkInvariants());
        b.freeBlocks(r);
        assertEquals(M1, b.available());
        assertNull(b.checkInvariants());
    }

    @Test
    void blocksAreTakenLargestFirstAndRoundedToTheMinimumBlock() {
        BuddyAllocator b = new BuddyAllocator(M1, K4);
        List<Block> r = b.allocBlocks(0, M1, 3 * K4, K4, 0);
        assertEquals(List.of(new Block(0, 13), new Block(2 * K4, 12)), r);
        List<Block> rounded = b.allocBlocks(0, M1, 3 * K4, 2 * K4, 0);
        assertEquals(List.of(new Block(4 * K4, 14)), rounded);
        assertNull(b.checkInvariants());
    }

    @Test
    void contiguousAllocationIsOneRangeTrimmedToTheSize() {
        BuddyAllocator b = new BuddyAllocator(M1, K4);
        List<Block> r = b.allocBlocks(0, M1, 3 * K4, K4, BuddyFlags.CONTIGUOUS);
        assertEquals(3 * K4, total(r));
        for (int i = 1; i < r.size(); i++) {
            assertEquals(r.get(i - 1).end(), r.get(i).offset());
        }
        assertEquals(M1 - 3 * K4, b.available());
        assertNull(b.checkInvariants());
    }

    @Test
    void contiguousFailsWhenOnlyFragmentsAreFree() {
        BuddyAllocator c = new BuddyAllocator(8 * K4, K4);
        for (int i = 0; i < 8; i++) {
            c.allocChunks(0, false);
        }
        c.freeChunks(1);
        c.freeChunks(3);
        c.freeChunks(5);
        assertErrno(Errno.ENOSPC, () -> c.allocBlocks(0, 8 * K4, 2 * K4, K4, BuddyFlags.CONTIGUOUS));
        assertEquals(2 * K4, total(c.allocBlocks(0, 8 * K4, 2 * K4, K4, 0)));
        assertNull(c.checkInvariants());
    }

    @Test
    void contiguousTriesHarderAcrossBuddyBoundaries() {
        BuddyAllocator c = new BuddyAllocator(8 * K4, K4);
        for (int i = 0; i < 8; i++) {
            c.allocChunks(0, false);
        }
        c.freeChunks(1);
        c.freeChunks(2);
        List<Block> r = c.allocBlocks(0, 8 * K4, 2 * K4, K4, BuddyFlags.CONTIGUOUS);
        assertEquals(List.of(new Block(K4, 12), new Block(2 * K4, 12)), r);
        assertEquals(0, c.available());
        assertNull(c.checkInvariants());
    }

    @Test
    void rangeAndTopDownPlaceBlocksWhereAsked() {
        BuddyAllocator b = new BuddyAllocator(M1, K4);
        List<Block> r = b.allocBlocks(12 * K4, 20 * K4, 4 * K4, K4, BuddyFlags.RANGE);
        r.forEach(x -> assertTrue(x.offset() >= 12 * K4 && x.end() <= 20 * K4, x.toString()));
        assertEquals(4 * K4, total(r));
        List<Block> top = b.allocBlocks(0, M1, 2 * K4, K4, BuddyFlags.TOPDOWN);
        assertEquals(List.of(new Block(M1 - 2 * K4, 13)), top);
        List<Block> both = b.allocBlocks(12 * K4, 20 * K4, K4, K4, BuddyFlags.RANGE | BuddyFlags.TOPDOWN);
        assertEquals(List.of(new Block(19 * K4, 12)), both);
        assertNull(b.checkInvariants());
    }

    @Test
    void aFailedAllocationGivesBackWhatItTook() {
        BuddyAllocator b = new BuddyAllocator(16 * K4, K4);
        b.allocChunks(3, false);
        assertErrno(Errno.ENOSPC, () -> b.allocBlocks(0, 16 * K4, 12 * K4, K4, 0));
        assertEquals(8 * K4, b.available());
        assertErrno(Errno.ENOSPC, () -> b.allocBlocks(0, 8 * K4, 8 * K4, K4, BuddyFlags.RANGE));
        assertEquals(8 * K4, b.available());
        assertNull(b.checkInvariants());
    }

    @Test
    void aSplitHugeBlockFreesPageByPageAndMergesBack() {
        BuddyAllocator b = new BuddyAllocator(2 * 512 * K4, K4);
        long head = b.allocChunks(9, false);
        b.splitAllocated(head);
        assertEquals(0, b.allocatedOrder(head + 5));
        assertNull(b.checkInvariants());
        for (long c = head; c < head + 512; c++) {
            b.freeChunks(c);
        }
        assertEquals(1, b.freeBlocks(10));
        assertNull(b.checkInvariants());
    }

    @Test
    void randomAllocationsNeverOverlapAndAlwaysMergeBack() {
        for (long seed = 1; seed <= 4; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            long chunks = 200 + rnd.nextInt(300);
            BuddyAllocator b = new BuddyAllocator(chunks * K4, K4);
            BitSet used = new BitSet();
            List<List<Block>> live = new ArrayList<>();
            for (int op = 0; op < 3000; op++) {
                if (live.isEmpty() || rnd.nextInt(100) < 55) {
                    long size = (1 + rnd.nextInt(16)) * K4;
                    long min = K4 << rnd.nextInt(3);
                    int flags = rnd.nextInt(4) == 0 ? BuddyFlags.CONTIGUOUS : rnd.nextInt(3) == 0 ? BuddyFlags.TOPDOWN : 0;
                    long before = b.available();
                    try {
                        List<Block> got = b.allocBlocks(0, chunks * K4, size, min, flags);
                        for (Block x : got) {
                            int from = (int) (x.offset() / K4);
                            int to = (int) (x.end() / K4);
                            assertTrue(used.get(from, to).isEmpty(), "overlap at " + x);
                            used.set(from, to);
                        }
                        assertTrue(total(got) >= size);
                        live.add(got);
                    } catch (ErrnoException e) {
                        assertEquals(Errno.ENOSPC, e.errno());
                        assertEquals(before, b.available());
                    }
                } else {
                    List<Block> gone = live.remove(rnd.nextInt(live.size()));
                    b.freeBlocks(gone);
                    gone.forEach(x -> used.clear((int) (x.offset() / K4), (int) (x.end() / K4)));
                }
                assertNull(b.checkInvariants(), "seed " + seed + " op " + op);
                assertEquals(chunks * K4 - (long) used.cardinality() * K4, b.available());
            }
            live.forEach(b::freeBlocks);
            assertEquals(chunks * K4, b.available());
            assertNull(b.checkInvariants());
        }
    }
}
