package accelmm.core.mem;

import static accelmm.testing.Patterns.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.Block;
import accelmm.api.mm.NodeKind;
import accelmm.core.fault.FaultInjector;

class MemoryNodeTest {
    private static final int PAGE = 4096;
    private final FaultInjector faults = new FaultInjector();
    private final MemoryNode node = new MemoryNode(0, "host", NodeKind.HOST, 64L << 20, faults.site("page.alloc"));
    private final MemoryNode dev = new MemoryNode(1, "vram", NodeKind.DEVICE, 8L << 20, null);


    private byte[] readPage(long pfn) {
        return readPage(node, pfn);
    }

    private static byte[] readPage(MemoryNode n, long pfn) {
        byte[] out = new byte[PAGE];
        n.read(pfn, 0, out, 0, PAGE);
        return out;
    }

    /** A host frame holding {@code pattern(PAGE, seed)}. */
    private long writtenFrame(int seed) {
        long pfn = node.allocFrame();
        node.write(pfn, 0, pattern(PAGE, seed), 0, PAGE);
        return pfn;
    }

    @Test
    void untouchedFramesReadAsZeroAndCostNoDataMemory() {
        long pfn = node.allocFrame();
        assertArrayEquals(new byte[PAGE], readPage(pfn));
        assertEquals(0, node.info().backed());
        assertEquals(PAGE, node.info().used());
    }

    @Test
    void aTerabyteNodeCostsMetadataForWhatIsUsedOfIt() {
        MemoryNode big = new MemoryNode(2, "big", NodeKind.HOST, 1L << 40, null);
        long untouched = big.metadataBytes();
        assertTrue(untouched < (2L << 20), "an untouched 1 TiB node holds " + untouched + " bytes");
        long pages = 64 * 1024;
        long[] pfns = new long[(int) pages];
        for (int i = 0; i < pages; i++) {
            pfns[i] = big.allocFrame();
        }
        double perPage = (double) (big.metadataBytes() - untouched) / pages;
        assertTrue(perPage <= 16, "a used page costs " + perPage + " bytes");
        for (long pfn : pfns) {
            big.put(pfn);
        }
        assertNull(big.checkInvariants());
        MemoryNode h200 = new MemoryNode(3, "h200", NodeKind.DEVICE, 192L << 30, null);
        assertTrue(h200.metadataBytes() < (512 << 10), "an untouched 192 GiB device holds " + h200.metadataBytes());
        List<Block> blocks = h200.allocBlocks(0, 192L << 30, 8L << 30, 2L << 20, 0);
        assertEquals(8L << 30, blocks.stream().mapToLong(Block::size).sum());
        h200.freeBlocks(blocks);
        assertNull(h200.checkInvariants());
    }

    @Test
    void bytesAreRealAndAFreedFrameComesBackZeroed() {
        long pfn = node.allocFrame();
        byte[] p = pattern(PAGE, 7);
        node.write(pfn, 0, p, 0, PAGE);
        assertArrayEquals(p, readPage(pfn));
        assertEquals(PAGE, node.info().backed());
        assertTrue(node.put(pfn));
        assertEquals(0, node.info().backed());
        long again = node.allocFrame();
        assertEquals(pfn, again);
        assertArrayEquals(new byte[PAGE], readPage(again));
    }

    @Test
    void aFreedNeighbourIsZeroedAndGivesItsBytesBack() {
        long a = node.allocFrame();
        long b = node.allocFrame();
        node.write(a, 10, pattern(100, 1), 0, 100);
        node.write(b, 0, pattern(8, 2), 0, 8);
        assertEquals(2 * PAGE, node.info().backed());
        node.put(a);
        assertEquals(PAGE, node.info().backed());
        long c = node.allocFrame();
        assertEquals(a, c);
        assertArrayEquals(new byte[PAGE], readPage(c));
        byte[] head = new byte[8];
        node.read(b, 0, head, 0, 8);
        assertArrayEquals(pattern(8, 2), head);
    }

    @Test
    void aPartialWriteToARecycledPageNeverExposesItsOldBytes() {
        long a = node.allocFrame();
        node.write(a, 0, pattern(PAGE, 9), 0, PAGE);
        node.put(a);
        long again = node.allocFrame();
        assertEquals(a, again);
        node.write(again, 5, new byte[] {1}, 0, 1);
        byte[] want = new byte[PAGE];
        want[5] = 1;
        assertArrayEquals(want, readPage(again));
        long other = node.allocFrame();
        node.write(other, 0, pattern(PAGE, 4), 0, PAGE);
        node.put(other);
        node.put(again);
        long fresh = node.allocFrame();
        node.write(fresh, 100, new byte[] {2}, 0, 1);
        byte[] only = new byte[PAGE];
        only[100] = 2;
        assertArrayEquals(only, readPage(fresh), "a frame freed twice over is no exception");
    }

    @Test
    void referencesAndPinsKeepAFrameAlive() {
        long pfn = node.allocFrame();
        node.get(pfn);
        node.pin(pfn);
        assertEquals(3, node.refcount(pfn));
        assertFalse(node.put(pfn));
        assertFalse(node.put(pfn));
        assertThrows(IllegalStateException.class, () -> node.put(pfn));
        assertTrue(node.isAllocated(pfn));
        assertTrue(node.unpin(pfn));
        assertFalse(node.isAllocated(pfn));
        assertThrows(IllegalStateException.class, () -> node.unpin(pfn));
        assertNull(node.checkInvariants());
    }

    @Test
    void copyFromDuplicatesBytesAcrossNodes() {
        long src = writtenFrame(3);
        long dst = dev.allocFrame();
        dev.copyFrom(node, src, dst);
        assertArrayEquals(pattern(PAGE, 3), readPage(dev, dst));
        long now = dev.allocFrame();
        dev.copyNowFrom(node, src, now);
        node.write(src, 0, new byte[] {1}, 0, 1);
        assertArrayEquals(pattern(PAGE, 3), readPage(dev, now), "an immediate copy keeps the bytes of its time");
        dev.copyNowFrom(node, node.allocFrame(), now);
        assertArrayEquals(new byte[PAGE], readPage(dev, now));
    }

    @Test
    void copiesShareBytesUntilEitherSideWrites() {
        long src = writtenFrame(3);
        long a = dev.allocFrame();
        long b = dev.allocFrame();
        dev.copyFrom(node, src, a);
        dev.copyFrom(dev, a, b);
        node.write(src, 0, new byte[] {1, 2}, 0, 2);
        byte[] changed = pattern(PAGE, 3);
        changed[0] = 1;
        changed[1] = 2;
        assertArrayEquals(changed, readPage(src), "the writer took its own copy");
        byte[] out = new byte[PAGE];
        dev.read(a, 0, out, 0, PAGE);
        assertArrayEquals(pattern(PAGE, 3), out, "the first copy kept the old bytes");
        dev.write(b, PAGE - 1, new byte[] {9}, 0, 1);
        dev.read(a, 0, out, 0, PAGE);
        assertArrayEquals(pattern(PAGE, 3), out, "a write to the second copy reaches neither other page");
        byte[] last = pattern(PAGE, 3);
        last[PAGE - 1] = 9;
        dev.read(b, 0, out, 0, PAGE);
        assertArrayEquals(last, out);
        assertTrue(node.put(src));
        dev.read(a, 0, out, 0, PAGE);
        assertArrayEquals(pattern(PAGE, 3), out, "freeing the source leaves the copy intact");
        dev.write(a, 0, new byte[] {5}, 0, 1);
        byte[] first = pattern(PAGE, 3);
        first[0] = 5;
        dev.read(a, 0, out, 0, PAGE);
        assertArrayEquals(first, out);
        assertEquals(2 * PAGE, dev.info().backed());
        long zero = node.allocFrame();
        dev.copyFrom(node, zero, a);
        dev.read(a, 0, out, 0, PAGE);
        assertArrayEquals(new byte[PAGE], out, "copying an untouched frame makes the target read as zero");
        assertEquals(PAGE, dev.info().backed());
    }

    @Test
    void aMovedPageIsWrittenInPlaceAndItsOldFrameComesBackZeroed() {
        long src = writtenFrame(6);
        long dst = dev.allocFrame();
        dev.copyFrom(node, src, dst);
        assertTrue(node.put(src));
        dev.write(dst, 7, new byte[] {42}, 0, 1);
        byte[] want = pattern(PAGE, 6);
        want[7] = 42;
        byte[] out = new byte[PAGE];
        dev.read(dst, 0, out, 0, PAGE);
        assertArrayEquals(want, out);
        long again = node.allocFrame();
        assertEquals(src, again);
        assertArrayEquals(new byte[PAGE], readPage(again), "the freed source holds nothing of the moved page");
        node.copyFrom(dev, dst, again);
        assertTrue(dev.put(dst));
        node.write(again, 0, new byte[] {1}, 0, 1);
        want[0] = 1;
        assertArrayEquals(want, readPage(again), "and the page moved back keeps every byte");
        assertEquals(PAGE, node.info().backed());
        assertEquals(0, dev.info().backed());
    }

    @Test
    void concurrentWritersToCopiesNeverSeeEachOthersBytes() throws Exception {
        long src = node.allocFrame();
        long dst = dev.allocFrame();
        for (int round = 0; round < 200; round++) {
            node.write(src, 0, pattern(PAGE, round), 0, PAGE);
            dev.copyFrom(node, src, dst);
            byte[] a = new byte[PAGE];
            java.util.Arrays.fill(a, (byte) 1);
            byte[] b = new byte[PAGE];
            java.util.Arrays.fill(b, (byte) 2);
            Thread t = new Thread(() -> node.write(src, 0, a, 0, PAGE));
            t.start();
            dev.write(dst, 0, b, 0, PAGE);
            t.join();
            assertArrayEquals(a, readPage(src));
            byte[] out = new byte[PAGE];
            dev.read(dst, 0, out, 0, PAGE);
            assertArrayEquals(b, out);
        }
    }

    @Test
    void hugeAllocationsAreSplitIntoFramesFreedOneByOne() {
        long head = node.allocFrames(MemoryNode.HUGE_ORDER);
        assertEquals(0, head % 512);
        assertEquals(2 << 20, node.info().used());
        for (long p = head; p < head + 512; p++) {
            assertEquals(1, node.refcount(p));
            node.put(p);
        }
        assertEquals(0, node.info().used());
        assertEquals(2 << 20, node.info().peak());
        assertNull(node.checkInvariants());
    }

    @Test
    void injectedFailureIsEnomemAndChangesNothing() {
        faults.site("page.alloc").arm(100, 1, 1, 0);
        ErrnoException e = assertThrows(ErrnoException.class, node::allocFrame);
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals(0, node.info().used());
        assertEquals(0, node.allocFrame());
        assertNull(node.checkInvariants());
    }

    @Test
    void aFullNodeIsEnomem() {
        MemoryNode tiny = new MemoryNode(2, "tiny", NodeKind.DEVICE, 2 * PAGE, null);
        tiny.allocFrame();
        tiny.allocFrame();
        assertEquals(Errno.ENOMEM, assertThrows(ErrnoException.class, tiny::allocFrame).errno());
    }

    @Test
    void blocksTakeReferencesAndGiveThemBack() {
        List<Block> blocks = node.allocBlocks(0, 64L << 20, 6L << 20, 2L << 20, 0);
        assertEquals(6L << 20, node.info().used());
        assertNull(node.checkInvariants());
        long pfn = blocks.get(0).offset() / PAGE;
        node.write(pfn, 0, pattern(16, 5), 0, 16);
        node.freeBlocks(blocks);
        assertEquals(0, node.info().used());
        assertEquals(0, node.info().backed());
        assertNull(node.checkInvariants());
    }
}
