package accelmm.core.device;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceSpec;
import accelmm.api.device.DeviceState;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaBufImporterOps;
import accelmm.api.dma.DmaDirection;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.dma.DmaImpl;
import accelmm.core.idr.IdrRegistryImpl;
import accelmm.core.mm.MemoryManagerImpl;

/** Devices, files, ioctls, driver swaps and unplug, without a framework. */
class DeviceManagerTest {
    final CoreDiagnostics diag = CoreDiagnostics.create();
    final IdrRegistryImpl registry = new IdrRegistryImpl(diag);
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, registry, 64L << 20, false);
    final DmaImpl dma = new DmaImpl(mm, diag, Set.of("rc0"));
    final DeviceManagerImpl devices = new DeviceManagerImpl(mm, dma, registry, diag.warnings(), 100, false);
    final AtomicLong serviceIds = new AtomicLong(100);
    static final DeviceSpec TEST0 = new DeviceSpec("test0", "test", 16L << 20, 1L << 12, 1L << 21, 1L << 20, "rc0/sw0/test0",
            2, Map.of());

    @AfterEach
    void nothingLeaks() {
        for (var p : mm.processes()) {
            mm.process(p.pid()).exit();
        }
        devices.deactivate();
        assertEquals(List.of(), mm.check());
        assertEquals(List.of(), dma.bufs());
        assertEquals(0, diag.warnings().count());
    }


    /** Adds a driver for {@code kind}; returns its id. */
    long add(DeviceDriver d, String kind, int ranking) {
        long id = serviceIds.incrementAndGet();
        devices.addDriver(d, kind, id, ranking, "test", "1.0." + id);
        return id;
    }

    long deviceUsed() {
        return mm.nodes().stream().filter(n -> n.kind() == accelmm.api.mm.NodeKind.DEVICE).mapToLong(n -> n.used()).sum();
    }

    @Test
    void builtinDevicesExistUnboundAndOpeningThemIsEnodev() {
        DeviceManagerImpl withBuiltins = new DeviceManagerImpl(mm, dma, registry, diag.warnings(), 100, true);
        try {
            List<String> names = withBuiltins.list().stream().map(d -> d.name()).toList();
            assertEquals(List.of("gmem0", "gmem1", "gna0", "habana0", "habana1", "panfrost0", "xe0"), names);
            assertEquals(DeviceState.UNBOUND, withBuiltins.info("gna0").state());
            assertErrno(Errno.ENODEV, () -> withBuiltins.open(mm.spawn("p"), "gna0"));
            assertErrno(Errno.ENODEV, () -> withBuiltins.info("nope"));
            assertEquals(2, dma.topology().p2pDistance("habana0", "habana1"));
        } finally {
            withBuiltins.deactivate();
        }
    }

    @Test
    void filesDispatchIoctlsToTheBoundDriverAndCloseReleases() {
        devices.configure("pid.test0", TEST0);
        EchoDriver d = new EchoDriver("v1");
        add(d, "test", 0);
        assertEquals(1, d.binds.get());
        MmProcess p = mm.spawn("p");
        int fd = devices.open(p, "test0");
        int id = devices.ioctl(p, fd, new EchoDriver.Put("hello"));
        assertEquals("v1:hello", devices.ioctl(p, fd, new EchoDriver.Get(id)));
        assertErrno(Errno.ENOENT, () -> devices.ioctl(p, fd, new EchoDriver.Get(99)));
        assertErrno(Errno.ENOTTY, () -> devices.ioctl(p, fd, new EchoDriver.Stranger()));
        assertErrno(Errno.EINVAL, () -> devices.ioctl(p, fd, (EchoDriver.Put) null));
        assertErrno(Errno.EBADF, () -> devices.ioctl(p, 42, new EchoDriver.Get(id)));
        int plain = p.fds().install(() -> { });
        assertErrno(Errno.ENOTTY, () -> devices.ioctl(p, plain, new EchoDriver.Get(id)));
        assertEquals(1, devices.info("test0").openFiles());
        p.fds().close(fd);
        assertEquals(1, d.releases.get());
        assertEquals(0, devices.info("test0").openFiles());
        assertEquals(Map.of("bind", 1L, "close", 1L, "ioctl", 4L, "open", 1L), devices.stats("test0"));
    }

    @Test
    void aBetterDriverTakesOverTheSameStateAndTheOldOneComesBackWhenItLeaves() {
        devices.configure("pid.test0", TEST0);
        EchoDriver v1 = new EchoDriver("v1");
        EchoDriver v2 = new EchoDriver("v2");
        long r1 = add(v1, "test", 0);
        MmProcess p = mm.spawn("p");
        int fd = devices.open(p, "test0");
        int id = devices.ioctl(p, fd, new EchoDriver.Put("kept"));
        long r2 = add(v2, "test", 0);
        assertEquals(1, v1.unbinds.get());
        assertEquals("v2:kept", devices.ioctl(p, fd, new EchoDriver.Get(id)));
        devices.removeDriver(r2);
        assertEquals("v1:kept", devices.ioctl(p, fd, new EchoDriver.Get(id)));
        devices.removeDriver(r1);
        assertEquals(DeviceState.WAITING, devices.info("test0").state());
        add(v2, "test", 0);
        assertEquals("v2:kept", devices.ioctl(p, fd, new EchoDriver.Get(id)));
    }

    @Test
    void callsDuringASwapWaitAndNoneFails() throws Exception {
        devices.configure("pid.test0", TEST0);
        long current = add(new EchoDriver("v0"), "test", 0);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        AtomicLong calls = new AtomicLong();
        for (int t = 0; t < 4; t++) {
            MmProcess p = mm.spawn("t" + t);
            int fd = devices.open(p, "test0");
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        int id = devices.ioctl(p, fd, new EchoDriver.Put("x"));
                        String v = devices.ioctl(p, fd, new EchoDriver.Get(id));
                        if (!v.endsWith(":x")) {
                            errors.add(new AssertionError(v));
                        }
                        calls.incrementAndGet();
                    } catch (Throwable e) {
                        if (errors.size() < 5) {
                            errors.add(e);
                        }
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (int i = 1; i <= 20; i++) {
            devices.removeDriver(current);
            Thread.sleep(2);
            current = add(new EchoDriver("v" + i), "test", 0);
            Thread.sleep(5);
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join(10_000);
        }
        assertEquals(List.of(), List.copyOf(errors));
        assertTrue(calls.get() > 0);
        assertEquals(21, devices.info("test0").binds());
        assertEquals(calls.get(), devices.stats("test0").get("ioctl") / 2);
    }

    @Test
    void withoutAReplacementTheDeviceIsUnpluggedAndEverythingIsUndone() throws Exception {
        devices.configure("pid.test0", TEST0);
        devices.configure("pid.peer", new DeviceSpec("peer0", "other", 0, 1L << 12, 1L << 12, 1L << 16, "rc0/sw0/peer0", 1,
                Map.of()));
        EchoDriver d = new EchoDriver("v1");
        long r = add(d, "test", 0);
        MmProcess p = mm.spawn("p");
        long va = p.mm().mmap(0, 1L << 16, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        p.mm().write(va, new byte[] {1}, 0, 1);
        int fd = devices.open(p, "test0");
        PinnedPages pins = devices.ioctl(p, fd, new EchoDriver.Pin(va, 4));
        devices.ioctl(p, fd, new EchoDriver.Watch(va, 1L << 16));
        int bufFd = devices.ioctl(p, fd, new EchoDriver.Export(1L << 20));
        DmaBuf buf = dma.get(p.fds(), bufFd);
        List<DmaBufAttachment> moved = new ArrayList<>();
        DmaBufAttachment at = buf.dynamicAttach(dma.device("peer0"), new DmaBufImporterOps(true, moved::add), null);
        buf.resv().lock();
        accelmm.api.dma.SgTable table;
        try {
            table = buf.map(at, DmaDirection.BIDIRECTIONAL);
            assertEquals(16, table.nents());
        } finally {
            buf.resv().unlock();
        }
        assertTrue(deviceUsed() > 0);
        p.mm().munmap(va + 4096 * 8, 4096);
        assertEquals(1, d.invalidations.size());
        devices.removeDriver(r);
        long before = System.nanoTime();
        assertErrno(Errno.ENODEV, () -> devices.ioctl(p, fd, new EchoDriver.Get(1)));
        assertTrue(System.nanoTime() - before >= 50_000_000L, "the call waited for a replacement");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (devices.info("test0").unplugs() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(DeviceState.UNBOUND, devices.info("test0").state());
        assertEquals(List.of(at), moved);
        buf.resv().lock();
        try {
            assertErrno(Errno.ENODEV, () -> buf.map(at, DmaDirection.BIDIRECTIONAL));
            buf.unmap(at, table, DmaDirection.BIDIRECTIONAL);
        } finally {
            buf.resv().unlock();
        }
        assertEquals(0, deviceUsed());
        assertTrue(!pins.unpin(), "the core unpinned them");
        p.mm().munmap(va, 4096);
        assertEquals(1, d.invalidations.size());
        assertErrno(Errno.ENODEV, () -> devices.ioctl(p, fd, new EchoDriver.Get(1)));
        buf.detach(at);
        buf.put();
        p.fds().close(fd);
        assertEquals(0, d.releases.get());
        EchoDriver d2 = new EchoDriver("v2");
        add(d2, "test", 0);
        int fd2 = devices.open(p, "test0");
        assertErrno(Errno.ENOENT, () -> devices.ioctl(p, fd2, new EchoDriver.Get(1)));
        assertEquals(1, devices.info("test0").unplugs());
        p.exit();
        assertEquals(1, d2.releases.get());
    }

    @Test
    void configurationsAddReplaceAndRemoveDevices() {
        DeviceManagerImpl withBuiltins = new DeviceManagerImpl(mm, dma, registry, diag.warnings(), 100, true);
        try {
            DeviceSpec big = new DeviceSpec("gna0", "gna", 0, 1L << 12, 1L << 12, 1L << 20, null, 1, Map.of());
            withBuiltins.configure("cfg.1", big);
            assertEquals(1L << 20, withBuiltins.spec("gna0").maxSegSize());
            withBuiltins.configure("cfg.2", TEST0);
            assertEquals("test", withBuiltins.info("test0").kind());
            withBuiltins.unconfigure("cfg.1");
            assertEquals(65536, withBuiltins.spec("gna0").maxSegSize());
            withBuiltins.unconfigure("cfg.2");
            assertErrno(Errno.ENODEV, () -> withBuiltins.info("test0"));
        } finally {
            withBuiltins.deactivate();
        }
    }

    @Test
    void aDeviceWhoseCreationFailedIsCreatedOnItsNextUse() {
        diag.faults().site(IdrRegistryImpl.FAIL_SITE).arm(100, 1, 1, 0);
        devices.configure("cfg.1", TEST0);
        assertEquals(1, diag.faults().site(IdrRegistryImpl.FAIL_SITE).failures());
        diag.faults().disarmAll();
        assertEquals("test", devices.info("test0").kind());
        assertEquals(List.of("test0"), devices.list().stream().map(i -> i.name()).toList());
        assertEquals(16L << 20, devices.spec("test0").memoryBytes());
    }
}
