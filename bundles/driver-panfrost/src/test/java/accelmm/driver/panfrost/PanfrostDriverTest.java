package accelmm.driver.panfrost;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.testing.Leaks;
import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceSpec;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostFreeBo;
import accelmm.api.uapi.panfrost.PanfrostGetBoOffset;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostMadvise;
import accelmm.api.uapi.panfrost.PanfrostMmap;
import accelmm.api.uapi.panfrost.PanfrostMmapBo;
import accelmm.api.uapi.panfrost.PanfrostSubmit;
import accelmm.api.uapi.panfrost.PanfrostWaitBo;
import accelmm.core.device.DeviceManagerImpl;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.dma.DmaImpl;
import accelmm.core.StandaloneCore;
import accelmm.core.mm.MemoryManagerImpl;

/** The Panfrost driver on the real core: B2's rules, heap growth by GPU faults, the shrinker. */
class PanfrostDriverTest {
    static final long MIB = 1L << 20;
    static final int NOEXEC = Panfrost.BO_NOEXEC;
    static final int HEAP = Panfrost.BO_HEAP | Panfrost.BO_NOEXEC;

    final StandaloneCore core = new StandaloneCore(160 * MIB, 100, false, Set.of());
    final CoreDiagnostics diag = core.diag;
    final MemoryManagerImpl mm = core.memory;
    final DmaImpl dma = core.dma;
    final DeviceManagerImpl devices = core.devices;

    PanfrostDriverTest() {
        devices.configure("panfrost0", new DeviceSpec("panfrost0", "panfrost", 0, (1L << 12) | (1L << 21), 1L << 12,
                1L << 32, null, 2, Map.of()));
        devices.addDriver(new PanfrostDriver(), "panfrost", 1, 0, "accelmm.driver.panfrost", "test");
    }

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNothingLeaks(mm, core.dma, core::close, diag.warnings()::count);
    }


    final class Gpu {
        final MmProcess p = mm.spawn("gpu-user");
        final int fd = devices.open(p, "panfrost0");

        <R> R ioctl(accelmm.api.device.Request<R> r) {
            return devices.ioctl(p, fd, r);
        }

        PanfrostBo create(long size, int flags) {
            return ioctl(new PanfrostCreateBo(size, flags, 0));
        }

        PanfrostJob job(List<Integer> bos, PanfrostCmd... cmds) {
            return ioctl(new PanfrostSubmit(bos, List.of(cmds)));
        }
    }


    @Test
    void createChecksSizeFlagsAndPadAndPlacesBosInTheFileAddressSpace() {
        Gpu g = new Gpu();
        assertErrno(Errno.EINVAL, () -> g.create(0, NOEXEC));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new PanfrostCreateBo(4096, NOEXEC, 1)));
        assertErrno(Errno.EINVAL, () -> g.create(4096, 4));
        assertErrno(Errno.EINVAL, () -> g.create(4096, Panfrost.BO_HEAP));
        PanfrostBo exec = g.create(64 * 1024, 0);
        assertEquals(0, exec.offset() % (64 * 1024), "an executable BO is aligned to its size");
        PanfrostBo heap = g.create(3 * MIB, HEAP);
        assertEquals(0, heap.offset() % (2 * MIB));
        PanfrostBo next = g.create(4096, NOEXEC);
        assertTrue(next.offset() >= heap.offset() + 4 * MIB || next.offset() + 4096 <= heap.offset(), "heap rounded to 4 MiB");
        for (PanfrostBo b : List.of(exec, heap, next)) {
            assertTrue(b.offset() >= Panfrost.VA_START && b.offset() < Panfrost.VA_END);
            assertEquals(b.offset(), g.ioctl(new PanfrostGetBoOffset(b.handle())));
        }
        assertErrno(Errno.ENOSPC, () -> g.create(5L << 30, NOEXEC));
        assertErrno(Errno.ENOENT, () -> g.ioctl(new PanfrostGetBoOffset(99)));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new PanfrostWaitBo(exec.handle(), 0, 1)));
        assertErrno(Errno.ENOENT, () -> g.ioctl(new PanfrostWaitBo(99, 0, 0)));
        assertNull(g.ioctl(new PanfrostWaitBo(exec.handle(), 0, 0)));
        Gpu other = new Gpu();
        assertErrno(Errno.ENOENT, () -> other.ioctl(new PanfrostGetBoOffset(exec.handle())));
        assertErrno(Errno.ENOENT, () -> other.job(List.of(exec.handle())));
    }

    @Test
    void aMappedBoSharesItsPagesBetweenCpuAndGpuAndNewBosAreZero() {
        Gpu g = new Gpu();
        PanfrostBo bo = g.create(3 * 4096, NOEXEC);
        PanfrostBo heap = g.create(2 * MIB, HEAP);
        assertErrno(Errno.EINVAL, () -> g.ioctl(new PanfrostMmapBo(heap.handle(), 0)));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new PanfrostMmapBo(bo.handle(), 1)));
        assertErrno(Errno.ENOENT, () -> g.ioctl(new PanfrostMmapBo(77, 0)));
        PanfrostMmap m = g.ioctl(new PanfrostMmapBo(bo.handle(), 0));
        long cpu = g.p.mm().mmap(0, 3 * 4096, Prot.READ | Prot.WRITE, MapFlags.SHARED, m.file(), 0);
        byte[] data = pattern(5000, 1);
        g.p.mm().write(cpu + 3000, data, 0, data.length);
        PanfrostJob j = g.job(List.of(bo.handle()), PanfrostCmd.load(bo.offset() + 3000, 5000),
                PanfrostCmd.store(bo.offset() + 10000, new byte[] {9, 8, 7}));
        assertTrue(j.done());
        assertArrayEquals(data, j.loads().get(0));
        byte[] back = new byte[3];
        g.p.mm().read(cpu + 10000, back, 0, 3);
        assertArrayEquals(new byte[] {9, 8, 7}, back);
        g.p.mm().munmap(cpu, 3 * 4096);
        g.ioctl(new PanfrostFreeBo(bo.handle()));
        Gpu h = new Gpu();
        PanfrostBo fresh = h.create(3 * 4096, NOEXEC);
        PanfrostJob z = h.job(List.of(fresh.handle()), PanfrostCmd.load(fresh.offset(), 3 * 4096));
        assertArrayEquals(new byte[3 * 4096], z.loads().get(0));
    }

    @Test
    void aJobStreamGrowsAHeapTo64MibThroughFaultsWithEveryByteIntact() {
        Gpu g = new Gpu();
        PanfrostBo heap = g.create(64 * MIB, HEAP);
        List<PanfrostCmd> stores = new ArrayList<>();
        List<PanfrostCmd> loads = new ArrayList<>();
        for (long off = 0; off < 64 * MIB; off += MIB / 2) {
            stores.add(PanfrostCmd.store(heap.offset() + off + 4090, pattern(12, (int) (off >> 19))));
            loads.add(PanfrostCmd.load(heap.offset() + off + 4090, 12));
        }
        PanfrostJob first = g.job(List.of(heap.handle()), stores.toArray(new PanfrostCmd[0]));
        assertTrue(first.done());
        assertEquals(32, first.heapFaults());
        PanfrostJob second = g.job(List.of(heap.handle()), loads.toArray(new PanfrostCmd[0]));
        assertEquals(0, second.heapFaults(), "mapped blocks do not fault again");
        for (int i = 0; i < second.loads().size(); i++) {
            assertArrayEquals(pattern(12, i), second.loads().get(i));
        }
        PanfrostJob copy = g.job(List.of(heap.handle()), PanfrostCmd.copy(heap.offset() + 4090, heap.offset() + 64 * MIB - 12, 12),
                PanfrostCmd.load(heap.offset() + 64 * MIB - 12, 12));
        assertArrayEquals(pattern(12, 0), copy.loads().get(0));
        assertTrue(mm.nodes().get(0).used() >= 64 * MIB, "the heap holds 64 MiB of pages");
        g.ioctl(new PanfrostFreeBo(heap.handle()));
    }

    @Test
    void faultsOutsideAnyBoOrInANormalBoEndTheJob() {
        Gpu g = new Gpu();
        PanfrostBo bo = g.create(4096, NOEXEC);
        PanfrostJob outside = g.job(List.of(), PanfrostCmd.store(Panfrost.VA_END - 4096, new byte[1]));
        assertFalse(outside.done());
        assertEquals("ENOENT", outside.faultErrno());
        assertEquals(Panfrost.VA_END - 4096, outside.faultAddress());
        assertTrue((Boolean) g.ioctl(new PanfrostMadvise(bo.handle(), Panfrost.MADV_DONTNEED)));
        assertEquals(1, PanfrostDriver.shrink(devices.file(g.p, g.fd).device(), Long.MAX_VALUE));
        assertFalse((Boolean) g.ioctl(new PanfrostMadvise(bo.handle(), Panfrost.MADV_WILLNEED)));
        PanfrostJob purged = g.job(List.of(bo.handle()), PanfrostCmd.load(bo.offset(), 1));
        assertEquals("EINVAL", purged.faultErrno());
        assertErrno(Errno.EINVAL, () -> g.ioctl(new PanfrostMadvise(bo.handle(), 5)));
    }

    @Test
    void memoryPressureReclaimsDontneedBosAndRetainedTellsTheTruth() {
        Gpu g = new Gpu();
        PanfrostBo keep = g.create(8 * MIB, NOEXEC);
        PanfrostBo spare = g.create(64 * MIB, NOEXEC);
        g.ioctl(new PanfrostMadvise(spare.handle(), Panfrost.MADV_DONTNEED));
        PanfrostBo big = g.create(96 * MIB, NOEXEC);
        assertFalse((Boolean) g.ioctl(new PanfrostMadvise(spare.handle(), Panfrost.MADV_WILLNEED)));
        assertTrue((Boolean) g.ioctl(new PanfrostMadvise(keep.handle(), Panfrost.MADV_WILLNEED)));
        assertEquals(1L, devices.stats("panfrost0").get("panfrost.purged"));
        g.ioctl(new PanfrostFreeBo(big.handle()));
    }

    @Test
    void anotherProcessRunningTheHostOutOfMemoryPurgesDontneedBosThroughTheShrinker() {
        Gpu g = new Gpu();
        PanfrostBo keep = g.create(8 * MIB, NOEXEC);
        PanfrostBo spare = g.create(96 * MIB, NOEXEC);
        g.ioctl(new PanfrostMadvise(spare.handle(), Panfrost.MADV_DONTNEED));
        MmProcess cpu = mm.spawn("cpu-user");
        try {
            long a = cpu.mm().mmap(0, 80 * MIB, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
            byte[] data = new byte[(int) (80 * MIB)];
            java.util.Arrays.fill(data, (byte) 7);
            cpu.mm().write(a, data, 0, data.length);
            byte[] back = new byte[data.length];
            cpu.mm().read(a, back, 0, back.length);
            assertArrayEquals(data, back);
            assertFalse((Boolean) g.ioctl(new PanfrostMadvise(spare.handle(), Panfrost.MADV_WILLNEED)), "the spare BO was purged");
            assertTrue((Boolean) g.ioctl(new PanfrostMadvise(keep.handle(), Panfrost.MADV_WILLNEED)), "the needed BO kept its pages");
            assertEquals(96 * MIB / 4096, devices.stats("panfrost0").get("shrink.pages"));
            assertEquals(96 * MIB / 4096, mm.counters().get("reclaim.pages"));
            long more = cpu.mm().mmap(0, 80 * MIB, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
            assertErrno(Errno.ENOMEM, () -> cpu.mm().write(more, data, 0, data.length));
            assertEquals(96 * MIB / 4096, mm.counters().get("reclaim.pages"), "nothing more was purgeable");
        } finally {
            cpu.exit();
        }
    }

    @Test
    void anInjectedHostFailureIsNotReclaimedAndTheShrinkerSkipsAThreadInsideTheDriver() {
        Gpu g = new Gpu();
        PanfrostBo spare = g.create(8 * MIB, NOEXEC);
        g.ioctl(new PanfrostMadvise(spare.handle(), Panfrost.MADV_DONTNEED));
        MmProcess cpu = mm.spawn("cpu-user");
        try {
            long a = cpu.mm().mmap(0, MIB, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
            mm.failArm("page.alloc", 100, 1, 1, 1);
            assertErrno(Errno.ENOMEM, () -> cpu.mm().write(a, new byte[1], 0, 1));
            mm.failDisarm("page.alloc");
            assertTrue((Boolean) g.ioctl(new PanfrostMadvise(spare.handle(), Panfrost.MADV_DONTNEED)), "nothing was purged");
            DeviceContext dev = devices.file(g.p, g.fd).device();
            dev.lock().lock();
            try {
                assertEquals(accelmm.api.mm.Shrinker.SHRINK_STOP, new PanfrostDriver().shrinkScan(dev, 1));
                assertEquals(0, new PanfrostDriver().shrinkCount(dev));
            } finally {
                dev.lock().unlock();
            }
            assertEquals(8 * MIB / 4096, new PanfrostDriver().shrinkCount(dev));
            assertEquals(8 * MIB / 4096, mm.reclaim(1));
            assertFalse((Boolean) g.ioctl(new PanfrostMadvise(spare.handle(), Panfrost.MADV_WILLNEED)));
            assertErrno(Errno.EINVAL, () -> mm.reclaim(0));
        } finally {
            cpu.exit();
        }
    }

    @Test
    void anInjectedFailureAtEachStepOfHeapGrowthLeavesRefcountsBalancedAndARetryMapsTheBlock() {
        Gpu g = new Gpu();
        PanfrostBo heap = g.create(4 * MIB, HEAP);
        int failures = 0;
        for (int step = 1; step <= 3; step++) {
            mm.failArm("page.alloc", 100, step * 100L, 1, 1);
            PanfrostJob failed = g.job(List.of(heap.handle()), PanfrostCmd.store(heap.offset() + 2 * MIB + step, new byte[] {1}));
            mm.failDisarm("page.alloc");
            assertEquals(List.of(), mm.check(), "after a failure at step " + step);
            if (!failed.done()) {
                assertEquals("ENOMEM", failed.faultErrno());
                failures++;
            }
        }
        assertEquals(2, failures, "the 100th and the 200th page allocation of the block failed");
        PanfrostJob retried = g.job(List.of(heap.handle()), PanfrostCmd.store(heap.offset() + 2 * MIB, new byte[] {42}),
                PanfrostCmd.load(heap.offset() + 2 * MIB, 1));
        assertTrue(retried.done());
        assertArrayEquals(new byte[] {42}, retried.loads().get(0));
    }

    @Test
    void addressSpaceSlotsAreRecycledAndEveryJobUsesItsOwnTables() {
        List<Gpu> gpus = List.of(new Gpu(), new Gpu(), new Gpu());
        List<PanfrostBo> heaps = new ArrayList<>();
        for (Gpu g : gpus) {
            heaps.add(g.create(2 * MIB, HEAP));
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 3; i++) {
                Gpu g = gpus.get(i);
                PanfrostJob j = g.job(List.of(heaps.get(i).handle()), PanfrostCmd.store(heaps.get(i).offset() + round, new byte[] {(byte) i}),
                        PanfrostCmd.load(heaps.get(i).offset(), 3));
                assertTrue(j.done());
                assertEquals((byte) i, j.loads().get(0)[round]);
            }
        }
        assertTrue(devices.stats("panfrost0").get("asid.steal") >= 3);
    }
}
