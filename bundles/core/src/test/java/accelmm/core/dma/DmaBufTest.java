package accelmm.core.dma;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaBufImporterOps;
import accelmm.api.dma.DmaBufOps;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgEntry;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.Block;
import accelmm.api.mm.DeviceMemory;
import accelmm.api.mm.FdTable;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;

/** dma-buf export, descriptors, attach, map rules, p2p, move_notify and lifetime. */
class DmaBufTest extends DmaFixture {
    final AtomicInteger releases = new AtomicInteger();
    final AtomicInteger pins = new AtomicInteger();

    @AfterEach
    void everythingIsReleased() {
        for (var p : mm.processes()) {
            mm.process(p.pid()).exit();
        }
        assertEquals(List.of(), dma.bufs());
        assertEquals(List.of(), mm.check());
        assertEquals(0, diag.warnings().count());
    }

    /** An exporter of pinned host pages, dynamic if {@code dynamic}. */
    DmaBufOps hostOps(PinnedPages pinned, boolean dynamic, boolean cache) {
        DmaBufOps.Pin pin = a -> pins.incrementAndGet();
        DmaBufOps.Pin unpin = a -> pins.decrementAndGet();
        return new DmaBufOps(null, null, dynamic ? pin : null, dynamic ? unpin : null,
                (a, dir) -> a.device().mapSg(table(pinned), dir),
                (a, t, dir) -> a.device().unmapSg(t),
                () -> {
                    releases.incrementAndGet();
                    pinned.unpin();
                }, cache);
    }

    DmaBuf hostBuf(MmProcess owner, int pages, boolean dynamic, boolean cache) {
        PinnedPages pinned = pinnedPattern(owner, pages, 1);
        return dma.export("host", (long) pages * PAGE, pinned, hostOps(pinned, dynamic, cache));
    }

    @Test
    void exportValidatesItsOperations() {
        DmaBufOps.MapOp map = (a, d) -> null;
        DmaBufOps.UnmapOp unmap = (a, t, d) -> { };
        DmaBufOps.Pin pin = a -> { };
        Runnable release = () -> { };
        Object priv = new Object();
        assertErrno(Errno.EINVAL, () -> dma.export("x", 4096, null, new DmaBufOps(null, null, null, null, map, unmap, release, false)));
        assertErrno(Errno.EINVAL, () -> dma.export("x", 4096, priv, null));
        assertErrno(Errno.EINVAL, () -> dma.export("x", 4096, priv, new DmaBufOps(null, null, null, null, null, unmap, release, false)));
        assertErrno(Errno.EINVAL, () -> dma.export("x", 4096, priv, new DmaBufOps(null, null, null, null, map, null, release, false)));
        assertErrno(Errno.EINVAL, () -> dma.export("x", 4096, priv, new DmaBufOps(null, null, null, null, map, unmap, null, false)));
        assertErrno(Errno.EINVAL, () -> dma.export("x", 4096, priv, new DmaBufOps(null, null, pin, null, map, unmap, release, false)));
        assertErrno(Errno.EINVAL, () -> dma.export("x", 4096, priv, new DmaBufOps(null, null, null, pin, map, unmap, release, false)));
        assertErrno(Errno.EINVAL, () -> dma.export("x", 4096, priv, new DmaBufOps(null, null, pin, pin, map, unmap, release, true)));
        assertErrno(Errno.EINVAL, () -> dma.export("x", 0, priv, new DmaBufOps(null, null, null, null, map, unmap, release, false)));
        assertEquals(List.of(), dma.bufs());
    }

    @Test
    void theLastCloseReleasesOnceAndDescriptorsPassBetweenProcesses() {
        MmProcess a = mm.spawn("a");
        MmProcess b = mm.spawn("b");
        DmaBuf buf = hostBuf(a, 2, false, false);
        assertErrno(Errno.EINVAL, () -> dma.fd(buf, a.fds(), 0x40));
        int fd = dma.fd(buf, a.fds(), Dma.O_RDWR | Dma.O_CLOEXEC);
        buf.get();
        int again = dma.fd(buf, a.fds(), 0);
        assertEquals(fd + 1, again, "a second descriptor of the same file, on the reference taken for it");
        assertEquals(2, dma.bufs().get(0).fileRefs());
        assertErrno(Errno.EINVAL, () -> dma.mmap(a.fds(), again, a.mm(), 0, PAGE, Prot.READ, MapFlags.PRIVATE, 0),
                "the exporter has no mmap");
        a.fds().close(again);
        int other = a.fds().install(() -> { });
        assertErrno(Errno.EINVAL, () -> dma.get(a.fds(), other));
        assertErrno(Errno.EBADF, () -> dma.get(a.fds(), 99));
        int inB = a.fds().passTo(fd, b.fds());
        a.fds().close(fd);
        assertEquals(0, releases.get());
        DmaBuf got = dma.get(b.fds(), inB);
        assertSame(buf, got);
        b.exit();
        assertEquals(0, releases.get());
        assertFalse(buf.released());
        got.put();
        assertEquals(1, releases.get());
        assertTrue(buf.released());
        assertThrows(IllegalStateException.class, buf::put);
        assertErrno(Errno.EINVAL, () -> buf.attach(dma.createDevice("late", 1 << 16, null)));
    }

    @Test
    void aStaticImporterOfADynamicExporterPinsForEachMapping() {
        MmProcess a = mm.spawn("a");
        DmaBuf buf = hostBuf(a, 4, true, false);
        DmaDevice dev = dma.createDevice("gpu0", 1 << 20, null);
        DmaBufAttachment at = buf.attach(dev);
        assertFalse(at.peer2peer());
        SgTable t1 = buf.map(at, DmaDirection.TO_DEVICE);
        SgTable t2 = buf.map(at, DmaDirection.FROM_DEVICE);
        assertNotSame(t1, t2);
        assertEquals(2, pins.get());
        assertTrue(at.pinned());
        assertEquals(1, buf.pinCount());
        byte[] got = new byte[4 * PAGE];
        dev.dmaRead(t1.entries().get(0).dmaAddress(), got, 0, got.length);
        assertArrayEquals(pattern(4 * PAGE, 1), got);
        buf.unmap(at, t1, DmaDirection.TO_DEVICE);
        assertErrno(Errno.EINVAL, () -> buf.unmap(at, t1, DmaDirection.TO_DEVICE));
        buf.unmap(at, t2, DmaDirection.FROM_DEVICE);
        assertEquals(0, pins.get());
        assertFalse(at.pinned());
        assertEquals(0, dev.mappings());
        buf.detach(at);
        assertErrno(Errno.EINVAL, () -> buf.map(at, DmaDirection.TO_DEVICE));
        assertErrno(Errno.EINVAL, () -> buf.detach(at));
        buf.put();
    }

    @Test
    void aCachedMappingServesItsDirectionAndRefusesAnotherWithEbusy() {
        MmProcess a = mm.spawn("a");
        DmaBuf buf = hostBuf(a, 1, false, true);
        DmaDevice dev = dma.createDevice("gpu0", 1 << 20, null);
        DmaBufAttachment at = buf.attach(dev);
        SgTable t = buf.map(at, DmaDirection.TO_DEVICE);
        assertSame(t, buf.map(at, DmaDirection.TO_DEVICE));
        assertErrno(Errno.EBUSY, () -> buf.map(at, DmaDirection.FROM_DEVICE));
        assertErrno(Errno.EINVAL, () -> buf.map(at, DmaDirection.NONE));
        buf.unmap(at, t, DmaDirection.TO_DEVICE);
        assertEquals(1, dev.mappings());
        DmaBufAttachment bidi = buf.attach(dev);
        SgTable tb = buf.map(bidi, DmaDirection.BIDIRECTIONAL);
        assertSame(tb, buf.map(bidi, DmaDirection.FROM_DEVICE));
        buf.detach(at);
        buf.detach(bidi);
        assertEquals(0, dev.mappings());
        buf.put();
    }

    @Test
    void dynamicImportersMapUnderTheReservationAndHearMoveNotify() {
        MmProcess a = mm.spawn("a");
        DmaBuf buf = hostBuf(a, 1, true, false);
        DmaDevice dev = dma.createDevice("gpu0", 1 << 20, null);
        List<DmaBufAttachment> told = new ArrayList<>();
        assertErrno(Errno.EINVAL, () -> buf.dynamicAttach(dev, new DmaBufImporterOps(true, null), null));
        assertErrno(Errno.EINVAL, () -> buf.dynamicAttach(null, new DmaBufImporterOps(true, told::add), null));
        DmaBufAttachment dyn = buf.dynamicAttach(dev, new DmaBufImporterOps(true, told::add), "priv");
        DmaBufAttachment stat = buf.attach(dev);
        assertTrue(dyn.peer2peer());
        assertEquals("priv", dyn.importerPriv());
        assertThrows(IllegalStateException.class, () -> buf.map(dyn, DmaDirection.TO_DEVICE));
        assertThrows(IllegalStateException.class, buf::moveNotify);
        buf.resv().lock();
        try {
            SgTable t = buf.map(dyn, DmaDirection.TO_DEVICE);
            assertEquals(0, pins.get());
            buf.moveNotify();
            assertEquals(List.of(dyn), told);
            buf.unmap(dyn, t, DmaDirection.TO_DEVICE);
            buf.pin(dyn);
            assertEquals(1, pins.get());
            assertThrows(IllegalStateException.class, () -> buf.pin(stat));
            buf.unpin(dyn);
            assertThrows(IllegalStateException.class, () -> buf.unpin(dyn));
        } finally {
            buf.resv().unlock();
        }
        buf.detach(dyn);
        buf.detach(stat);
        buf.put();
    }

    /** The bus addresses of the 2 MiB device pages of {@code blocks}. */
    static long[] devicePages(DeviceMemory dram, List<Block> blocks) {
        return blocks.stream().flatMapToLong(b -> java.util.stream.LongStream.iterate(b.offset(), o -> o < b.end(), o -> o + (2L << 20)))
                .map(o -> PhysAddr.of(dram.id(), 0, o)).toArray();
    }

    /** A habanalabs-like exporter of device memory: DMA-only tables, p2p checked at attach. */
    DmaBuf deviceBuf(DeviceMemory dram, List<Block> blocks, long size) {
        DmaBufOps ops = new DmaBufOps(
                a -> {
                    if (dma.topology().p2pDistance("hl0", a.device().name()) < 0) {
                        a.clearPeer2peer();
                    }
                },
                null, null, null,
                (a, dir) -> {
                    if (!a.peer2peer()) {
                        throw Errno.EPERM.exception("no p2p to " + a.device().name());
                    }
                    long[] pages = devicePages(dram, blocks);
                    return Scatterlist.dmaOnlyFromDevicePages(pages, 2L << 20, size, a.device().maxSegSize());
                },
                (a, t, dir) -> { },
                () -> {
                    releases.incrementAndGet();
                    dram.freeBlocks(blocks);
                }, false);
        return dma.export("habanalabs", size, dram, ops);
    }

    @Test
    void peersMapDeviceMemoryOnlyWhenTheTopologyAllowsP2p() {
        dma.createDevice("hl0", 1L << 20, "rc0/sw0/hl0");
        DmaDevice near = dma.createDevice("hl1", 1L << 16, "rc0/sw0/hl1");
        DmaDevice far = dma.createDevice("far", 1L << 16, "rc1/far");
        DeviceMemory dram = mm.createDeviceMemory("hl0-dram", 8L << 20);
        List<Block> blocks = dram.allocBlocks(0, 8L << 20, 4L << 20, 2L << 20, 0);
        byte[] data = pattern(3 << 20, 7);
        long[] pages = devicePages(dram, blocks);
        dram.write(pages[0] & ((1L << PhysAddr.NODE_SHIFT) - 1), data, 0, 2 << 20);
        dram.write(pages[1] & ((1L << PhysAddr.NODE_SHIFT) - 1), data, 2 << 20, 1 << 20);
        DmaBuf buf = deviceBuf(dram, blocks, 3L << 20);
        MmProcess a = mm.spawn("a");
        MmProcess b = mm.spawn("b");
        int fd = dma.fd(buf, a.fds(), Dma.O_RDWR);
        int fdB = a.fds().passTo(fd, b.fds());
        DmaBuf imported = dma.get(b.fds(), fdB);
        DmaBufAttachment nearAt = imported.dynamicAttach(near, new DmaBufImporterOps(true, x -> { }), null);
        DmaBufAttachment farAt = imported.dynamicAttach(far, new DmaBufImporterOps(true, x -> { }), null);
        DmaBufAttachment staticAt = imported.attach(near);
        assertFalse(farAt.peer2peer());
        imported.resv().lock();
        try {
            assertErrno(Errno.EPERM, () -> imported.map(farAt, DmaDirection.BIDIRECTIONAL));
            SgTable t = imported.map(nearAt, DmaDirection.BIDIRECTIONAL);
            assertTrue(t.dmaOnly());
            assertEquals(48, t.nents());
            byte[] got = new byte[3 << 20];
            int done = 0;
            for (SgEntry e : t.entries()) {
                near.dmaRead(e.dmaAddress(), got, done, (int) e.length());
                done += (int) e.length();
            }
            assertArrayEquals(data, got);
            imported.unmap(nearAt, t, DmaDirection.BIDIRECTIONAL);
        } finally {
            imported.resv().unlock();
        }
        assertErrno(Errno.EPERM, () -> imported.map(staticAt, DmaDirection.TO_DEVICE));
        imported.detach(nearAt);
        imported.detach(farAt);
        imported.detach(staticAt);
        imported.put();
        a.exit();
        assertEquals(0, releases.get());
        b.fds().close(fdB);
        assertEquals(1, releases.get());
        assertEquals(0, dram.info().used());
    }

    @Test
    void closingADescriptorAtOnceFromAnotherThreadReleasesEachBufferOnce() throws Exception {
        MmProcess a = mm.spawn("a");
        FdTable fds = a.fds();
        DmaDevice dev = dma.createDevice("gpu0", 1 << 20, null);
        int rounds = 300;
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Thread closer = new Thread(() -> {
            int closed = 0;
            while (closed < rounds) {
                for (int fd : fds.open()) {
                    try {
                        fds.close(fd);
                        closed++;
                    } catch (ErrnoException e) {
                        if (e.errno() != Errno.EBADF) {
                            errors.add(e);
                        }
                    }
                }
            }
        });
        closer.start();
        for (int i = 0; i < rounds; i++) {
            DmaBuf buf = hostBuf(a, 1, i % 2 == 0, false);
            int fd = dma.fd(buf, fds, Dma.O_RDWR);
            DmaBuf got;
            try {
                got = dma.get(fds, fd);
            } catch (ErrnoException e) {
                assertTrue(e.errno() == Errno.EBADF, e.getMessage());
                continue;
            }
            DmaBufAttachment at = got.attach(dev);
            SgTable t = got.map(at, DmaDirection.TO_DEVICE);
            byte[] one = new byte[PAGE];
            dev.dmaRead(t.entries().get(0).dmaAddress(), one, 0, PAGE);
            assertArrayEquals(pattern(PAGE, 1), one);
            got.unmap(at, t, DmaDirection.TO_DEVICE);
            got.detach(at);
            got.put();
        }
        closer.join(30_000);
        assertEquals(List.of(), List.copyOf(errors));
        assertEquals(rounds, releases.get());
        assertEquals(0, pins.get());
        assertEquals(0, dev.mappings());
    }

    @Test
    void aGetRacingTheLastCloseNeverRevivesABuffer() throws Exception {
        MmProcess a = mm.spawn("a");
        FdTable fds = a.fds();
        int rounds = 2000;
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread getter = new Thread(() -> {
            while (!done.get()) {
                try {
                    DmaBuf got = dma.get(fds, 0);
                    if (got.released()) {
                        errors.add(new AssertionError(got + " was revived"));
                    }
                    got.put();
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EBADF) {
                        errors.add(e);
                    }
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        });
        getter.start();
        Runnable release = releases::incrementAndGet;
        for (int i = 0; i < rounds; i++) {
            DmaBuf buf = dma.export("x", PAGE, this, new DmaBufOps(null, null, null, null, (t, d) -> null,
                    (t, s, d) -> { }, release, false));
            assertEquals(0, dma.fd(buf, fds, 0));
            fds.close(0);
        }
        done.set(true);
        getter.join(30_000);
        assertEquals(List.of(), List.copyOf(errors));
        assertEquals(rounds, releases.get());
    }
}
