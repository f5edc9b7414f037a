package accelmm.driver.xe;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.testing.Leaks;
import accelmm.api.Errno;
import accelmm.api.device.DeviceSpec;
import accelmm.api.device.DeviceState;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBindBo;
import accelmm.api.uapi.xe.XeUnbind;
import accelmm.api.uapi.xe.XeBindMirror;
import accelmm.api.uapi.xe.XeBindUserptr;
import accelmm.api.uapi.xe.XeBoClose;
import accelmm.api.uapi.xe.XeBoCreate;
import accelmm.api.uapi.xe.XeCmd;
import accelmm.api.uapi.xe.XeExec;
import accelmm.api.uapi.xe.XeExecResult;
import accelmm.api.uapi.xe.XeMadvise;
import accelmm.api.uapi.xe.XePrefetch;
import accelmm.api.uapi.xe.XeVmCreate;
import accelmm.api.uapi.xe.XeVmDestroy;
import accelmm.core.device.DeviceManagerImpl;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.dma.DmaImpl;
import accelmm.core.StandaloneCore;
import accelmm.core.mm.MemoryManagerImpl;

/** The Xe SVM driver on the real core: malloc'd memory used by the GPU, VRAM migration and eviction. */
class XeDriverTest {
    static final long MIB = 1L << 20;
    static final long SZ_2M = 2 * MIB;

    final StandaloneCore core = new StandaloneCore(96 * MIB, 50, false, Set.of());
    final CoreDiagnostics diag = core.diag;
    final MemoryManagerImpl mm = core.memory;
    final DmaImpl dma = core.dma;
    final DeviceManagerImpl devices = core.devices;

    XeDriverTest() {
        devices.configure("xe0", new DeviceSpec("xe0", "xe", 4 * MIB, (1L << 12) | SZ_2M, 1L << 12, 1L << 32, null, 1, Map.of()));
        devices.addDriver(new XeDriver(), "xe", 1, 0, "accelmm.driver.xe", "test");
    }

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNothingLeaks(mm, core.dma, core::close, diag.warnings()::count);
    }


    final class Gpu {
        final MmProcess p = mm.spawn("xe-user");
        final int fd = devices.open(p, "xe0");
        final int vm;

        Gpu() {
            this(true);
        }

        Gpu(boolean mirrorAll) {
            vm = ioctl(new XeVmCreate(true));
            if (mirrorAll) {
                ioctl(new XeBindMirror(vm, 0, 1L << 47));
            }
        }

        <R> R ioctl(accelmm.api.device.Request<R> r) {
            return devices.ioctl(p, fd, r);
        }

        long malloc(long size) {
            return p.mm().mmap(0, size, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        }

        XeExecResult exec(XeCmd... cmds) {
            return ioctl(new XeExec(vm, List.of(cmds)));
        }
    }


    long stat(String name) {
        return devices.stats("xe0").getOrDefault(name, 0L);
    }

    @Test
    void theGpuReadsWhatTheCpuWroteAndTheCpuReadsWhatTheGpuWrote() {
        Gpu g = new Gpu();
        long a = g.malloc(SZ_2M);
        byte[] data = pattern(10000, 1);
        g.p.mm().write(a + 5000, data, 0, data.length);
        XeExecResult r = g.exec(XeCmd.load(a + 5000, data.length), XeCmd.store(a + 100, new byte[] {7, 7}), XeCmd.inc(a + 200),
                XeCmd.copy(a + 5000, a + SZ_2M - 10000, data.length));
        assertTrue(r.done());
        assertArrayEquals(data, r.loads().get(0));
        assertTrue(r.gpuFaults() >= 1);
        byte[] back = new byte[6];
        g.p.mm().read(a + 100, back, 0, 2);
        g.p.mm().read(a + 200, back, 2, 4);
        assertArrayEquals(new byte[] {7, 7, 1, 0, 0, 0}, back);
        assertEquals(0, g.exec(XeCmd.load(a, 16)).gpuFaults(), "a bound range does not fault again");
        byte[] copied = new byte[data.length];
        g.p.mm().read(a + SZ_2M - 10000, copied, 0, copied.length);
        assertArrayEquals(data, copied);
    }

    @Test
    void anAccessLargerThanVramFaultsAsOftenAsItNeedsAndKeepsEveryByte() {
        Gpu g = new Gpu();
        int size = (int) (16 * MIB);
        long a = g.malloc(size);
        g.ioctl(new XeMadvise(g.vm, a, a + size, Xe.LOC_VRAM));
        byte[] data = pattern(size, 5);
        XeExecResult w = g.exec(XeCmd.store(a, data));
        assertTrue(w.done(), w.faultErrno());
        assertTrue(w.gpuFaults() >= 8, "one fault per 2 MiB range at least: " + w.gpuFaults());
        assertTrue(stat("xe.evict") > 0, "16 MiB through 4 MiB of VRAM evicts");
        XeExecResult r = g.exec(XeCmd.load(a, size), XeCmd.copy(a, a + 4096, size - 4096));
        assertTrue(r.done(), r.faultErrno());
        assertArrayEquals(data, r.loads().get(0));
        byte[] back = new byte[size];
        g.p.mm().read(a, back, 0, size);
        byte[] expected = data.clone();
        System.arraycopy(data, 0, expected, 4096, size - 4096);
        assertArrayEquals(expected, back);
    }

    @Test
    void stampsGoThroughVramAndComeBackPageByPage() {
        Gpu g = new Gpu();
        int pages = 2048;
        long a = g.malloc(pages * 4096L);
        g.ioctl(new XeMadvise(g.vm, a, a + pages * 4096L, Xe.LOC_VRAM));
        long[] stamps = new long[pages];
        for (int i = 0; i < pages; i++) {
            stamps[i] = accelmm.api.mm.Stamps.of(i);
        }
        assertTrue(g.exec(XeCmd.storeStamps(a, stamps)).done());
        assertTrue(stat("xe.evict") > 0, "8 MiB of stamps through 4 MiB of VRAM evicts");
        XeExecResult r = g.exec(XeCmd.loadStamps(a, pages));
        assertTrue(r.done(), r.faultErrno());
        assertArrayEquals(stamps, accelmm.api.mm.Stamps.unpack(r.loads().get(0)));
        long[] cpu = new long[pages];
        g.p.mm().readStamps(a, cpu, 0, pages);
        assertArrayEquals(stamps, cpu, "the CPU sees the GPU's stamps");
        byte[] bytes = new byte[4096];
        g.p.mm().read(a + 7 * 4096L, bytes, 0, 4096);
        assertArrayEquals(accelmm.api.mm.Stamps.page(stamps[7]), bytes);
        assertErrno(Errno.EINVAL, () -> g.exec(XeCmd.loadStamps(a + 8, 1)));
        assertErrno(Errno.EINVAL, () -> g.exec(XeCmd.storeStamps(a, new long[] {0})));
        assertErrno(Errno.EINVAL, () -> g.exec(new XeCmd(XeCmd.Op.STORE_STAMPS, a, 8192, new byte[8], 0)));
    }

    @Test
    void svmRangesAdvisedToVramMoveAVramBoOfAnotherProcessToSystemMemory() {
        Gpu owner = new Gpu(false);
        owner.ioctl(new XeBindMirror(owner.vm, 0, 1L << 46));
        int bo = owner.ioctl(new XeBoCreate(4 * MIB, Xe.LOC_VRAM));
        long va = 1L << 46;
        owner.ioctl(new XeBindBo(owner.vm, bo, va));
        byte[] data = pattern((int) (4 * MIB), 9);
        assertTrue(owner.exec(XeCmd.store(va, data)).done());
        Gpu svm = new Gpu();
        long a = svm.malloc(SZ_2M);
        byte[] mine = pattern((int) SZ_2M, 4);
        svm.p.mm().write(a, mine, 0, mine.length);
        svm.ioctl(new XeMadvise(svm.vm, a, a + SZ_2M, Xe.LOC_VRAM));
        XeExecResult r = svm.exec(XeCmd.load(a, (int) SZ_2M));
        assertTrue(r.done(), r.faultErrno());
        assertArrayEquals(mine, r.loads().get(0));
        assertEquals(1, stat("xe.bo_evict"), "the BO moved to system memory");
        assertEquals(1, stat("xe.migrate_to_vram"), "the range took its VRAM");
        XeExecResult back = owner.exec(XeCmd.load(va, (int) (4 * MIB)));
        assertTrue(back.done(), back.faultErrno());
        assertArrayEquals(data, back.loads().get(0), "the BO kept every byte at the same GPU address");
        assertEquals(0, back.gpuFaults());
    }

    @Test
    void vramPressureEvictsTheLeastRecentlyUsedRange() {
        Gpu g = new Gpu();
        long[] buf = new long[3];
        for (int i = 0; i < 3; i++) {
            buf[i] = g.malloc(SZ_2M);
            g.p.mm().write(buf[i], pattern(4096, i), 0, 4096);
            g.ioctl(new XeMadvise(g.vm, buf[i], buf[i] + SZ_2M, Xe.LOC_VRAM));
        }
        assertTrue(g.exec(XeCmd.load(buf[0], 16)).done());
        assertTrue(g.exec(XeCmd.load(buf[1], 16)).done());
        assertTrue(g.exec(XeCmd.load(buf[0], 16)).done(), "the first range is used again: the second is now the oldest");
        assertTrue(g.exec(XeCmd.load(buf[2], 16)).done());
        long before = mm.counters().getOrDefault("fault.device_private", 0L);
        g.p.mm().read(buf[1], new byte[16], 0, 16);
        assertEquals(before, mm.counters().getOrDefault("fault.device_private", 0L), "the second range went home");
        g.p.mm().read(buf[0], new byte[16], 0, 16);
        assertTrue(mm.counters().getOrDefault("fault.device_private", 0L) > before, "the first range stayed in VRAM");
    }

    @Test
    void aVramBoEvictsSvmRangesOfOtherProcessesToFit() {
        Gpu other = new Gpu();
        long a = other.malloc(4 * MIB);
        byte[] data = pattern((int) (4 * MIB), 3);
        other.p.mm().write(a, data, 0, data.length);
        other.ioctl(new XeMadvise(other.vm, a, a + 4 * MIB, Xe.LOC_VRAM));
        assertTrue(other.exec(XeCmd.load(a, 16)).done());
        assertTrue(mm.nodes().stream().filter(n -> n.name().equals("xe0")).findFirst().orElseThrow().used() > 0);
        Gpu g = new Gpu();
        int bo = g.ioctl(new XeBoCreate(4 * MIB, Xe.LOC_VRAM));
        assertTrue(stat("xe.evict") > 0, "the BO made room by evicting the other process's ranges");
        int small = g.ioctl(new XeBoCreate(4096, Xe.LOC_VRAM));
        assertEquals(1, stat("xe.bo_evict"), "with no range left, the older BO moved to system memory");
        g.ioctl(new XeBoClose(small));
        byte[] back = new byte[data.length];
        other.p.mm().read(a, back, 0, back.length);
        assertArrayEquals(data, back, "evicted bytes came home intact");
        g.ioctl(new XeBoClose(bo));
    }

    @Test
    void buffersInVramAndSystemMemoryBindAtGpuAddressesNextToMirroredMemory() {
        Gpu g = new Gpu(false);
        g.ioctl(new XeBindMirror(g.vm, 0, 1L << 46));
        int vramBo = g.ioctl(new XeBoCreate(3 * 4096, Xe.LOC_VRAM));
        int sysBo = g.ioctl(new XeBoCreate(4096, Xe.LOC_SYSTEM));
        long vramVa = 1L << 46;
        long sysVa = vramVa + (1L << 20);
        g.ioctl(new XeBindBo(g.vm, vramBo, vramVa));
        g.ioctl(new XeBindBo(g.vm, sysBo, sysVa));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new XeBindBo(g.vm, sysBo, vramVa + 4096)));
        g.ioctl(new XeBindBo(g.vm, sysBo, 4096));
        g.ioctl(new XeUnbind(g.vm, 4096, 8192));
        assertErrno(Errno.ENOENT, () -> g.ioctl(new XeBindBo(g.vm, 99, sysVa + (1L << 20))));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new XeBoCreate(0, Xe.LOC_SYSTEM)));
        long a = g.malloc(64 * 1024);
        g.p.mm().write(a, pattern(9000, 4), 0, 9000);
        XeExecResult r = g.exec(XeCmd.load(vramVa, 12288), XeCmd.load(a, 9000));
        assertArrayEquals(new byte[12288], r.loads().get(0), "new BOs are zero");
        XeExecResult copy = g.exec(XeCmd.store(vramVa + 100, pattern(9000, 4)), XeCmd.store(sysVa, new byte[] {1, 2}),
                XeCmd.load(vramVa + 100, 9000), XeCmd.load(sysVa, 2));
        assertArrayEquals(pattern(9000, 4), copy.loads().get(0));
        assertArrayEquals(new byte[] {1, 2}, copy.loads().get(1));
        assertErrno(Errno.EBUSY, () -> g.ioctl(new XeBoClose(vramBo)));
        g.ioctl(new XeVmDestroy(g.vm));
        g.ioctl(new XeBoClose(vramBo));
        assertErrno(Errno.ENOENT, () -> g.ioctl(new XeBoClose(vramBo)));
    }

    @Test
    void aBoBindsInsideTheMirrorWhereNoSvmRangeIsAndUnbindGivesItsAddressesBack() {
        Gpu g = new Gpu();
        long a = g.malloc(SZ_2M);
        g.p.mm().write(a, pattern(100, 1), 0, 100);
        assertTrue(g.exec(XeCmd.load(a, 100)).done());
        int bo = g.ioctl(new XeBoCreate(4 * 4096, Xe.LOC_SYSTEM));
        assertErrno(Errno.EBUSY, () -> g.ioctl(new XeBindBo(g.vm, bo, a)));
        long va = 1L << 45;
        g.ioctl(new XeBindBo(g.vm, bo, va));
        byte[] data = pattern(4 * 4096, 2);
        XeExecResult w = g.exec(XeCmd.store(va, data), XeCmd.load(va, data.length));
        assertTrue(w.done(), w.faultErrno());
        assertArrayEquals(data, w.loads().get(0));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new XeBindBo(g.vm, bo, va + 4096)));
        g.ioctl(new XeUnbind(g.vm, va + 4096, va + 3 * 4096));
        XeExecResult ends = g.exec(XeCmd.load(va, 4096), XeCmd.load(va + 3 * 4096, 4096));
        assertTrue(ends.done(), ends.faultErrno());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 4096), ends.loads().get(0));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 3 * 4096, 4 * 4096), ends.loads().get(1), "the tail keeps its offset into the BO");
        XeExecResult hole = g.exec(XeCmd.load(va + 4096, 1));
        assertFalse(hole.done(), "the unbound middle is neither BO nor mirror");
        assertEquals("EINVAL", hole.faultErrno());
        assertErrno(Errno.EBUSY, () -> g.ioctl(new XeBoClose(bo)));
        assertErrno(Errno.EBUSY, () -> g.ioctl(new XeUnbind(g.vm, a, a + 4096)));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new XeUnbind(g.vm, va, va)));
        g.ioctl(new XeUnbind(g.vm, va, va + 4 * 4096));
        g.ioctl(new XeBoClose(bo));
        long b = g.malloc(SZ_2M);
        g.p.mm().write(b, pattern(64, 5), 0, 64);
        XeExecResult around = g.exec(XeCmd.load(b, 64), XeCmd.load(a, 100));
        assertTrue(around.done(), "the mirror still serves the addresses around the unbound hole");
        assertArrayEquals(pattern(64, 5), around.loads().get(0));
        assertArrayEquals(pattern(100, 1), around.loads().get(1));
    }

    @Test
    void userptrMemoryStaysInSystemMemoryWhateverTheAdvice() {
        Gpu g = new Gpu(false);
        long a = g.malloc(SZ_2M);
        g.ioctl(new XeBindUserptr(g.vm, a, a + SZ_2M));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new XeBindUserptr(g.vm, a, a + 4096)));
        g.ioctl(new XeMadvise(g.vm, a, a + SZ_2M, Xe.LOC_VRAM));
        g.p.mm().write(a + 7, new byte[] {3}, 0, 1);
        XeExecResult r = g.exec(XeCmd.load(a + 7, 1), XeCmd.inc(a + 64));
        assertTrue(r.done());
        assertArrayEquals(new byte[] {3}, r.loads().get(0));
        assertEquals(0, stat("xe.migrate_to_vram"));
        byte[] v = new byte[1];
        g.p.mm().read(a + 64, v, 0, 1);
        assertEquals(1, v[0]);
    }

    @Test
    void freedAndNewAllocationsMremapAndAForkedChildSeeTheRightBytes() {
        Gpu g = new Gpu();
        long a = g.malloc(64 * 1024);
        assertTrue(g.exec(XeCmd.store(a, new byte[] {11})).done());
        g.p.mm().munmap(a, 64 * 1024);
        long b = g.malloc(64 * 1024);
        g.p.mm().write(b, new byte[] {22}, 0, 1);
        assertArrayEquals(new byte[] {22}, g.exec(XeCmd.load(b, 1)).loads().get(0), "never the freed page's byte");
        assertTrue(g.exec(XeCmd.store(b + 4096, new byte[] {33})).done());
        long moved = g.p.mm().mremap(b, 64 * 1024, 128 * 1024, accelmm.api.mm.MremapFlags.MAYMOVE, 0);
        XeExecResult after = g.exec(XeCmd.load(moved + 4096, 1), XeCmd.load(moved, 1));
        assertArrayEquals(new byte[] {33}, after.loads().get(0));
        assertArrayEquals(new byte[] {22}, after.loads().get(1));
        if (moved != b) {
            assertEquals("ENOENT", g.exec(XeCmd.load(b, 1)).faultErrno());
        }
        assertTrue(g.exec(XeCmd.store(moved + 8192, new byte[] {44})).done());
        MmProcess child = g.p.fork("child");
        byte[] v = new byte[1];
        child.mm().read(moved + 8192, v, 0, 1);
        assertEquals(44, v[0]);
        assertTrue(g.exec(XeCmd.store(moved + 8192, new byte[] {55})).done());
        child.mm().read(moved + 8192, v, 0, 1);
        assertEquals(44, v[0], "the child keeps its copy");
        g.p.mm().read(moved + 8192, v, 0, 1);
        assertEquals(55, v[0]);
    }

    @Test
    void badAccessesReportAFaultAndHarmNothing() {
        Gpu g = new Gpu();
        long ro = g.p.mm().mmap(0, 64 * 1024, Prot.READ, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        XeExecResult w = g.exec(XeCmd.store(ro, new byte[] {1}));
        assertEquals("EPERM", w.faultErrno());
        XeExecResult none = g.exec(XeCmd.load(0x7000_0000_0000L, 1));
        assertFalse(none.done());
        assertEquals("ENOENT", none.faultErrno());
        int plain = g.ioctl(new XeVmCreate(false));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new XeBindMirror(plain, 0, 1L << 20)));
        assertEquals("EINVAL", g.ioctl(new XeExec(plain, List.of(XeCmd.load(ro, 1)))).faultErrno());
        assertErrno(Errno.EINVAL, () -> g.ioctl(new XeBindMirror(g.vm, 1, 4096)));
        assertErrno(Errno.ENOENT, () -> g.ioctl(new XeExec(99, List.of())));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new XeMadvise(g.vm, 0, 4096, 7)));
        Gpu other = new Gpu();
        assertErrno(Errno.ENOENT, () -> other.ioctl(new XeVmDestroy(g.vm)));
        assertErrno(Errno.ENOTTY, () -> g.ioctl(new accelmm.api.uapi.gna.GnaUnmapMemory(1)));
    }

    @Test
    void advisedMemoryMigratesToVramAndComesBackIntactOnACpuTouch() {
        Gpu g = new Gpu();
        long a = g.malloc(SZ_2M);
        byte[] data = pattern((int) SZ_2M, 5);
        g.p.mm().write(a, data, 0, data.length);
        g.ioctl(new XeMadvise(g.vm, a, a + SZ_2M, Xe.LOC_VRAM));
        XeExecResult r = g.exec(XeCmd.load(a, (int) SZ_2M), XeCmd.store(a + 10, new byte[] {-1}));
        assertTrue(r.done());
        assertArrayEquals(data, r.loads().get(0));
        assertEquals(1, stat("xe.migrate_to_vram"));
        assertEquals(SZ_2M, mm.nodes().stream().filter(n -> n.name().equals("xe0")).findFirst().orElseThrow().used());
        byte[] back = new byte[(int) SZ_2M];
        g.p.mm().read(a, back, 0, back.length);
        data[10] = -1;
        assertArrayEquals(data, back);
        assertTrue(stat("migrate.to_ram") >= 1);
        assertTrue(g.exec(XeCmd.load(a + 10, 1)).done());
    }

    @Test
    void aWorkingSetLargerThanVramIsEvictedAndEveryByteSurvives() {
        Gpu g = new Gpu();
        List<Long> regions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long a = g.malloc(SZ_2M);
            g.p.mm().write(a, pattern((int) SZ_2M, i), 0, (int) SZ_2M);
            g.ioctl(new XeMadvise(g.vm, a, a + SZ_2M, Xe.LOC_VRAM));
            regions.add(a);
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 4; i++) {
                XeExecResult r = g.exec(XeCmd.load(regions.get(i), (int) SZ_2M));
                assertArrayEquals(pattern((int) SZ_2M, i), r.loads().get(0), "region " + i + " round " + round);
            }
        }
        assertTrue(stat("xe.evict") >= 2, "VRAM holds two regions of four");
        for (int i = 0; i < 4; i++) {
            byte[] back = new byte[(int) SZ_2M];
            g.p.mm().read(regions.get(i), back, 0, back.length);
            assertArrayEquals(pattern((int) SZ_2M, i), back);
        }
    }

    @Test
    void aPartialMunmapDestroysTheRangeAndTheRestIsRebuiltOnTheNextFault() {
        Gpu g = new Gpu();
        long a = g.malloc(SZ_2M);
        g.p.mm().write(a + SZ_2M - 8, new byte[] {5}, 0, 1);
        assertTrue(g.exec(XeCmd.load(a, 1)).done());
        long ranges = stat("xe.range");
        g.p.mm().munmap(a, 64 * 1024);
        XeExecResult gone = g.exec(XeCmd.load(a, 1));
        assertEquals("ENOENT", gone.faultErrno());
        XeExecResult rest = g.exec(XeCmd.load(a + SZ_2M - 8, 1));
        assertTrue(rest.done());
        assertArrayEquals(new byte[] {5}, rest.loads().get(0));
        assertEquals(1, stat("xe.gc"));
        assertTrue(stat("xe.range") > ranges, "the range was rebuilt, smaller");
    }

    @Test
    void gpuAtomicsAndCpuWritesOnOnePageBothLand() throws Exception {
        Gpu g = new Gpu();
        long a = g.malloc(64 * 1024);
        Thread cpu = new Thread(() -> {
            for (int i = 1; i <= 200; i++) {
                g.p.mm().write(a + 1024, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array(), 0, 4);
            }
        });
        cpu.start();
        for (int i = 0; i < 200; i++) {
            assertTrue(g.exec(XeCmd.inc(a)).done());
        }
        cpu.join();
        byte[] v = new byte[8];
        g.p.mm().read(a, v, 0, 4);
        g.p.mm().read(a + 1024, v, 4, 4);
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(200, b.getInt(0));
        assertEquals(200, b.getInt(4));
    }

    @Test
    void prefetchMigratesAheadAndAnUnplugEvictsVramToRam() throws Exception {
        Gpu g = new Gpu();
        long a = g.malloc(SZ_2M);
        g.p.mm().write(a, pattern((int) SZ_2M, 9), 0, (int) SZ_2M);
        g.ioctl(new XeMadvise(g.vm, a, a + SZ_2M, Xe.LOC_VRAM));
        g.ioctl(new XePrefetch(g.vm, a, a + SZ_2M));
        assertEquals(1, stat("xe.migrate_to_vram"));
        assertEquals(0, g.exec(XeCmd.load(a, 4)).gpuFaults());
        devices.removeDriver(1);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (devices.info("xe0").state() != DeviceState.UNBOUND || devices.info("xe0").unplugs() == 0) {
            assertTrue(System.nanoTime() < deadline);
            Thread.sleep(5);
        }
        byte[] back = new byte[(int) SZ_2M];
        g.p.mm().read(a, back, 0, back.length);
        assertArrayEquals(pattern((int) SZ_2M, 9), back);
        assertEquals(0, mm.nodes().stream().filter(n -> n.name().equals("xe0")).findFirst().orElseThrow().used());
    }
}
