package accelmm.driver.habana;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.testing.Leaks;
import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceSpec;
import accelmm.api.dma.Dma;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.habana.Hl;
import accelmm.api.uapi.habana.HlAllocMemory;
import accelmm.api.uapi.habana.HlDeviceRead;
import accelmm.api.uapi.habana.HlDeviceWrite;
import accelmm.api.uapi.habana.HlDmabufRead;
import accelmm.api.uapi.habana.HlDmabufWrite;
import accelmm.api.uapi.habana.HlExportDmabuf;
import accelmm.api.uapi.habana.HlFreeMemory;
import accelmm.api.uapi.habana.HlMapHost;
import accelmm.api.uapi.habana.HlMapMemory;
import accelmm.api.uapi.habana.HlSetOperational;
import accelmm.api.uapi.habana.HlUnmapMemory;
import accelmm.core.device.DeviceManagerImpl;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.dma.DmaImpl;
import accelmm.core.StandaloneCore;
import accelmm.core.mm.MemoryManagerImpl;

/** The Habana driver on the real core: B3's rules in order, export, p2p and import with real bytes. */
class HabanaDriverTest {
    static final long MIB = 1L << 20;
    static final long SZ_2M = 2 * MIB;

    final StandaloneCore core = new StandaloneCore(64L << 20, 100, false, Set.of());
    final CoreDiagnostics diag = core.diag;
    final MemoryManagerImpl mm = core.memory;
    final DmaImpl dma = core.dma;
    final DeviceManagerImpl devices = core.devices;

    HabanaDriverTest() {
        device("habana0", "rc0/sw0/habana0", Map.of());
        device("habana1", "rc0/sw0/habana1", Map.of());
        device("far0", "rc1/far0", Map.of());
        device("nommu0", "rc0/sw0/nommu0", Map.of("mmu", "false", "barMiB", "48"));
        device("smallbar0", "rc0/sw0/smallbar0", Map.of("barMiB", "16"));
        devices.addDriver(new HabanaDriver(), "habana", 1, 0, "accelmm.driver.habana", "test");
    }

    private void device(String name, String pci, Map<String, String> props) {
        devices.configure(name, new DeviceSpec(name, "habana", 64 * MIB, (1L << 12) | SZ_2M, SZ_2M, 1L << 16, pci, 1, props));
    }

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNothingLeaks(mm, dma, core::close, diag.warnings()::count);
    }



    /** A process with a device open. */
    final class User {
        final MmProcess p;
        final int fd;

        User(String device) {
            this(mm.spawn("hl-user"), device);
        }

        User(MmProcess p, String device) {
            this.p = p;
            this.fd = devices.open(p, device);
        }

        <R> R ioctl(accelmm.api.device.Request<R> request) {
            return devices.ioctl(p, fd, request);
        }

        long alloc(long size, boolean contiguous) {
            return ioctl(new HlAllocMemory(size, contiguous)).value();
        }

        long map(long handle) {
            return ioctl(new HlMapMemory(handle)).deviceVa();
        }

        int export(long addr, long size, long offset) {
            return ioctl(new HlExportDmabuf(addr, size, offset, Dma.O_RDWR | Dma.O_CLOEXEC));
        }
    }

    @Test
    void deviceMemoryExportedToAPeerIsCopiedByDmaBothWays() {
        User a = new User("habana0");
        long handle = a.alloc(6 * MIB, false);
        long va = a.map(handle);
        byte[] data = pattern((int) (6 * MIB), 3);
        a.ioctl(new HlDeviceWrite(va, data));
        int fd = a.export(va, 4 * MIB - 8192, SZ_2M + 4096);
        User b = new User("habana1");
        int fdB = a.p.fds().passTo(fd, b.p.fds());
        a.p.fds().close(fd);
        byte[] got = b.ioctl(new HlDmabufRead(fdB, 0, (int) (4 * MIB - 8192)));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) (SZ_2M + 4096), (int) (6 * MIB - 4096)), got);
        byte[] back = pattern(100_000, 9);
        b.ioctl(new HlDmabufWrite(fdB, 12345, back));
        byte[] seen = a.ioctl(new HlDeviceRead(va + SZ_2M + 4096 + 12345, back.length));
        assertArrayEquals(back, seen);
        assertErrno(Errno.EINVAL, () -> b.ioctl(new HlDmabufRead(fdB, 4 * MIB - 8192 - 10, 11)));
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlUnmapMemory(va)));
        User far = new User("far0");
        int fdFar = b.p.fds().passTo(fdB, far.p.fds());
        assertErrno(Errno.EPERM, () -> far.ioctl(new HlDmabufRead(fdFar, 0, 16)));
        far.p.fds().close(fdFar);
        b.p.fds().close(fdB);
        a.ioctl(new HlUnmapMemory(va));
        a.ioctl(new HlFreeMemory(handle));
        assertEquals(1L, devices.stats("habana0").get("dmabuf.export"));
    }

    @Test
    void exportFollowsTheKernelsValidationOrder() {
        User a = new User("habana0");
        long handle = a.alloc(4 * MIB, true);
        long va = a.map(handle);
        a.ioctl(new HlSetOperational(false));
        assertErrno(Errno.EBUSY, () -> a.export(va, 4096, 0));
        assertErrno(Errno.EBUSY, () -> a.alloc(MIB, false));
        a.ioctl(new HlSetOperational(true));
        assertErrno(Errno.EINVAL, () -> a.export(va + SZ_2M, 4096, 0));
        assertErrno(Errno.EINVAL, () -> a.export(va, 4096, 100));
        assertErrno(Errno.EINVAL, () -> a.export(va, 4095, 0));
        assertErrno(Errno.EINVAL, () -> a.export(va, 4096, 4 * MIB));
        assertErrno(Errno.EINVAL, () -> a.export(va, 8192, -4096));
        assertErrno(Errno.EINVAL, () -> a.export(va, Long.MAX_VALUE & ~4095L, 4096));
        assertErrno(Errno.EINVAL, () -> a.export(va, -4096, 4096));
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlExportDmabuf(va, 4096, 0, 0x40)));
        a.ioctl(new HlUnmapMemory(va));
        a.ioctl(new HlFreeMemory(handle));
        long host = a.p.mm().mmap(0, 64 * 1024, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        long hostVa = a.ioctl(new HlMapHost(host + 100, 8000)).deviceVa();
        assertEquals(100, hostVa & 4095);
        assertErrno(Errno.EINVAL, () -> a.export(hostVa, 4096, 0));
        a.p.mm().write(host + 100, new byte[] {1, 2, 3}, 0, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, a.ioctl(new HlDeviceRead(hostVa, 3)));
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlMapHost(host, 0)));
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlMapHost(-4096, 8192)));
        a.ioctl(new HlUnmapMemory(hostVa));
        assertErrno(Errno.EFAULT, () -> a.ioctl(new HlDeviceRead(hostVa, 3)));
    }

    @Test
    void handlesMappingsAndExportCountsFollowTheLifetimeRules() {
        User a = new User("habana0");
        User other = new User("habana0");
        long handle = a.alloc(SZ_2M, false);
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlMapMemory(handle | (1L << 32))));
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlFreeMemory(handle | (1L << 40))));
        assertErrno(Errno.EINVAL, () -> other.ioctl(new HlMapMemory(handle)));
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlFreeMemory(99)));
        long va = a.map(handle);
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlFreeMemory(handle)));
        int fd1 = a.export(va, SZ_2M, 0);
        int fd2 = a.export(va, 4096, 0);
        a.p.fds().close(fd1);
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlUnmapMemory(va)));
        a.p.fds().close(fd2);
        a.ioctl(new HlUnmapMemory(va));
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlUnmapMemory(va)));
        a.ioctl(new HlFreeMemory(handle));
        assertEquals(2L, devices.stats("habana0").get("habana.export_release"));
    }

    @Test
    void pagesOutsideThePciBarAreNotExportable() {
        User a = new User("smallbar0");
        long handle = a.alloc(40 * MIB, false);
        long va = a.map(handle);
        assertErrno(Errno.EINVAL, () -> a.export(va, 4096, 0));
        a.ioctl(new HlUnmapMemory(va));
        a.ioctl(new HlFreeMemory(handle));
    }

    @Test
    void withoutDramVirtualMemoryExportsNamePhysicalAddresses() {
        User a = new User("nommu0");
        long phys = a.alloc(4 * MIB, false);
        assertTrue(phys >= Hl.DRAM_USER_BASE, Long.toHexString(phys));
        assertErrno(Errno.EINVAL, () -> a.ioctl(new HlMapMemory(phys)));
        assertErrno(Errno.EINVAL, () -> a.export(phys, 4096, 4096));
        assertErrno(Errno.EINVAL, () -> a.export(Hl.DRAM_BASE, 4096, 0));
        assertErrno(Errno.EINVAL, () -> a.export(Hl.DRAM_BASE + 48 * MIB, 4096, 0));
        assertErrno(Errno.EINVAL, () -> a.export(Hl.DRAM_BASE + 64 * MIB - 4096, 8192, 0));
        assertTrue(phys + 4 * MIB <= Hl.DRAM_BASE + 48 * MIB, "allocated inside the BAR");
        int fd = a.export(phys, 4 * MIB, 0);
        User b = new User("habana1");
        int fdB = a.p.fds().passTo(fd, b.p.fds());
        b.ioctl(new HlDmabufWrite(fdB, 4096, new byte[] {42}));
        assertArrayEquals(new byte[] {42}, b.ioctl(new HlDmabufRead(fdB, 4096, 1)));
        a.p.fds().close(fd);
        b.p.fds().close(fdB);
        a.ioctl(new HlFreeMemory(phys));
    }

    @Test
    void closingTheDescriptorFromAnotherThreadRightAfterExportIsSafe() throws Exception {
        User a = new User("habana0");
        long handle = a.alloc(SZ_2M, false);
        long va = a.map(handle);
        AtomicBoolean stop = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            while (!stop.get()) {
                for (int fd : a.p.fds().open()) {
                    if (fd != a.fd) {
                        try {
                            a.p.fds().close(fd);
                        } catch (ErrnoException e) {
                            // closed by the test already
                        }
                    }
                }
            }
        });
        closer.start();
        for (int i = 0; i < 300; i++) {
            a.export(va, SZ_2M, 0);
        }
        stop.set(true);
        closer.join();
        for (int fd : a.p.fds().open()) {
            if (fd != a.fd) {
                a.p.fds().close(fd);
            }
        }
        a.ioctl(new HlUnmapMemory(va));
        a.ioctl(new HlFreeMemory(handle));
        assertEquals(300L, devices.stats("habana0").get("habana.export_release"));
    }

    @Test
    void aClosedFileKeepsExportedMemoryUntilTheBufferIsReleased() {
        User a = new User("habana0");
        long va = a.map(a.alloc(SZ_2M, false));
        byte[] data = pattern(4096, 5);
        a.ioctl(new HlDeviceWrite(va, data));
        int fd = a.export(va, SZ_2M, 0);
        User b = new User("habana1");
        int fdB = a.p.fds().passTo(fd, b.p.fds());
        a.p.exit();
        User next = new User("habana0");
        long nextVa = next.map(next.alloc(SZ_2M, false));
        assertArrayEquals(data, b.ioctl(new HlDmabufRead(fdB, 0, 4096)));
        b.p.fds().close(fdB);
        next.ioctl(new HlUnmapMemory(nextVa));
        next.p.exit();
        assertEquals(0, mm.nodes().stream().filter(n -> n.name().equals("habana0")).findFirst().orElseThrow().used());
    }
}
