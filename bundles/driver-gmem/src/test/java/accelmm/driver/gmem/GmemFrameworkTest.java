package accelmm.driver.gmem;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceSpec;
import accelmm.api.gmem.GmAs;
import accelmm.api.gmem.GmCap;
import accelmm.api.gmem.GmCtx;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmFaultHint;
import accelmm.api.gmem.GmHnode;
import accelmm.api.gmem.GmMmuMode;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRet;
import accelmm.api.gmem.Gmem;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.core.StandaloneCore;
import accelmm.core.gmem.GmemImpl;
import accelmm.core.idr.IdrRegistryImpl;

/** The GMEM framework's own rules: ids, hnodes, address spaces, attach, destroy and the fault results. */
class GmemFrameworkTest {
    static final long MIB = 1L << 20;
    static final long REGION = GmPage.REGION;

    final StandaloneCore core = new StandaloneCore(64 * MIB, 50, false, Set.of());
    final Gmem gmem = core.gmem;
    final GmemDriver driver = new GmemDriver();
    /** A driver that only hands out its contexts, so the test can create GMEM devices itself. */
    final Map<String, DeviceContext> contexts = new java.util.concurrent.ConcurrentHashMap<>();
    final Recorder recorder = new Recorder();

    GmemFrameworkTest() {
        for (String n : List.of("npu0", "npu1", "npu2")) {
            core.devices.configure(n, new DeviceSpec(n, "npu", 4 * MIB, (1L << 12) | REGION, REGION, 1L << 20, null, 1, Map.of()));
        }
        core.devices.addDriver(recorder, "npu", 1, 0, "test", "1");
    }

    /** The GMEM driver under another device kind, counting the page tables it destroys. */
    final class Recorder implements DeviceDriver, accelmm.api.gmem.GmMmu {
        int pmapsDestroyed;

        @Override
        public void bind(DeviceContext device) {
            contexts.put(device.name(), device);
            driver.bind(device);
        }

        @Override
        public <R> R ioctl(DeviceFile file, accelmm.api.device.Request<R> request) {
            return driver.ioctl(file, request);
        }

        @Override
        public Object pmapCreate(GmDev dev) {
            return driver.pmapCreate(dev);
        }

        @Override
        public void pmapDestroy(GmDev dev, Object pmap) {
            pmapsDestroyed++;
            driver.pmapDestroy(dev, pmap);
        }

        @Override
        public void pmapEnter(GmDev dev, Object pmap, long va, long size, long pa, int prot) {
            driver.pmapEnter(dev, pmap, va, size, pa, prot);
        }

        @Override
        public void pmapRelease(GmDev dev, Object pmap, long va, long size) {
            driver.pmapRelease(dev, pmap, va, size);
        }

        @Override
        public void pmapProtect(GmDev dev, Object pmap, long va, long size, int prot) {
            driver.pmapProtect(dev, pmap, va, size, prot);
        }

        @Override
        public void tlbInvl(GmDev dev, Object pmap, long va, long size) {
            driver.tlbInvl(dev, pmap, va, size);
        }

        @Override
        public accelmm.api.gmem.GmRet peerMap(accelmm.api.gmem.GmFaultArgs args) {
            return driver.peerMap(args);
        }

        @Override
        public void peerUnmap(accelmm.api.gmem.GmFaultArgs args) {
            driver.peerUnmap(args);
        }
    }

    @AfterEach
    void nothingLeaks() {
        assertEquals(List.of(), core.gmem.check());
        core.close();
        assertEquals(0, core.memory.nodes().get(0).used());
        assertEquals(List.of(), core.memory.check());
        assertEquals(List.of(), gmem.devices());
    }


    GmDev dev(String name) {
        return gmem.dev(contexts.get(name));
    }

    @Test
    void deviceIdsStartAtZeroAndRunOutWithEbusy() {
        GmemImpl small = new GmemImpl(core.memory, new IdrRegistryImpl(core.diag), 1);
        assertEquals(List.of(0, 1, 2), gmem.devices().stream().map(GmDev::id).toList());
        DeviceContext c0 = contexts.get("npu0");
        DeviceContext c1 = contexts.get("npu1");
        DeviceContext c2 = contexts.get("npu2");
        assertErrno(Errno.EEXIST, () -> gmem.devCreate(c0, 0));
        assertErrno(Errno.EINVAL, () -> small.devCreate(c0, 0x1000));
        GmDev a = small.devCreate(c0, GmCap.REPLAYABLE);
        GmDev b = small.devCreate(c1, GmCap.PEER);
        assertEquals(0, a.id());
        assertEquals(1, b.id());
        assertErrno(Errno.EBUSY, () -> small.devCreate(c2, 0));
        a.destroy();
        a.destroy();
        assertFalse(a.alive());
        assertEquals(0, small.devCreate(c2, 0).id(), "the lowest free id again");
        small.devices().forEach(GmDev::destroy);
    }

    @Test
    void physmemIsCheckedRoundedAndCounted() {
        GmDev d = dev("npu0");
        assertEquals(1, d.hnodes().size());
        assertErrno(Errno.EEXIST, () -> d.registerPhysmem(0, 4096));
        d.unregisterPhysmem(d.hnodes().get(0).nid());
        assertErrno(Errno.EINVAL, () -> d.unregisterPhysmem(12345));
        assertErrno(Errno.EINVAL, () -> d.registerPhysmem(8192, 4096));
        assertErrno(Errno.EINVAL, () -> d.registerPhysmem(1, 4096));
        assertErrno(Errno.EINVAL, () -> d.registerPhysmem(0, 5 * MIB));
        assertErrno(Errno.EINVAL, () -> d.registerPhysmem(-4096, 4096));
        GmHnode h = d.registerPhysmem(1, 3 * 4096 + 5);
        assertEquals(4096, h.begin());
        assertEquals(3 * 4096, h.end());
        assertEquals(2, h.pages());
        d.allocPage();
        assertEquals(1, h.freePages());
        d.allocPage();
        assertErrno(Errno.ENOMEM, d::allocPage);
        assertErrno(Errno.EBUSY, () -> d.unregisterPhysmem(h.nid()));
        for (int i = 1; i < Gmem.MAX_NUMNODES; i++) {
            d.registerPhysmem(i * 16 * 4096, i * 16 * 4096 + 4096);
        }
        assertErrno(Errno.ENOSPC, () -> d.registerPhysmem(4 * MIB - 4096, 4 * MIB));
    }

    @Test
    void addressSpacesAreCheckedAndAttachedOncePerDevice() {
        MmProcess p = core.memory.spawn("user");
        AddressSpace mm = p.mm();
        assertErrno(Errno.EINVAL, () -> gmem.asCreate(null, 0, 4096));
        assertErrno(Errno.EINVAL, () -> gmem.asCreate(mm, 4096, 4096));
        assertErrno(Errno.EINVAL, () -> gmem.asCreate(mm, 8192, 4096));
        assertErrno(Errno.EINVAL, () -> gmem.asCreate(mm, 1, 8192));
        GmAs as = gmem.asCreate(mm, 0, 1L << 47);
        assertSame(as, gmem.as(mm));
        assertErrno(Errno.EEXIST, () -> gmem.asCreate(mm, 0, 4096));
        GmDev d = dev("npu0");
        assertErrno(Errno.EINVAL, () -> as.attach(d, null, true));
        GmCtx ctx = as.attach(d, GmMmuMode.COHERENT_EXCLUSIVE, true);
        assertSame(ctx, d.currentCtx());
        assertErrno(Errno.EEXIST, () -> as.attach(d, GmMmuMode.REPLICATE, false));
        GmCtx other = as.attach(dev("npu1"), GmMmuMode.REPLICATE, false);
        assertNull(dev("npu1").currentCtx());
        assertEquals(List.of(ctx, other), as.contexts());
        assertErrno(Errno.ENOENT, () -> as.detach(dev("npu2")));
        p.exit();
    }

    @Test
    void devFaultTellsItsOutcomesAndErrors() {
        MmProcess p = core.memory.spawn("user");
        AddressSpace mm = p.mm();
        GmDev d = dev("npu0");
        long a = mm.mmap(0, 3 * REGION, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        assertErrno(Errno.EFAULT, () -> gmem.devFault(mm, a, d, GmFaultHint.NONE, false));
        GmAs as = gmem.asCreate(mm, 0, 1L << 47);
        assertErrno(Errno.EINVAL, () -> gmem.devFault(mm, a, d, GmFaultHint.NONE, false));
        as.attach(d, GmMmuMode.COHERENT_EXCLUSIVE, true);
        assertErrno(Errno.EFAULT, () -> gmem.devFault(mm, 1L << 48, d, GmFaultHint.NONE, false));
        assertErrno(Errno.EFAULT, () -> gmem.devFault(mm, a + 3 * REGION, d, GmFaultHint.NONE, false));
        assertEquals(GmRet.SUCCESS, gmem.devFault(mm, a + 5, d, GmFaultHint.NONE, true));
        assertEquals(GmRet.PAGE_EXIST, gmem.devFault(mm, a + REGION - 1, d, GmFaultHint.NONE, true));
        assertEquals(GmRet.SUCCESS, gmem.devFault(mm, a + REGION, d, GmFaultHint.NONE, true));
        assertEquals(0, d.freePages(), "4 MiB of device memory hold two regions");
        assertEquals(GmRet.MIGRATING, gmem.devFault(mm, a + 2 * REGION, d, GmFaultHint.NONE, false));
        assertEquals(List.of(GmPage.DEVICE, GmPage.DEVICE, GmPage.NOMAP | GmPage.WILLNEED),
                as.table(a, a + 3 * REGION).stream().map(r -> r.flags()).toList(), "MIGRATING is not DEVICE");
        assertEquals(true, d.evictLru());
        assertEquals(GmRet.SUCCESS, gmem.devFault(mm, a + 2 * REGION, d, GmFaultHint.NONE, false));
        assertEquals(List.of(GmPage.CPU, GmPage.DEVICE, GmPage.DEVICE),
                as.table(a, a + 3 * REGION).stream().map(r -> r.flags()).toList(), "the least recently used went home");
        long ro = mm.mmap(0, REGION, Prot.READ, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        assertErrno(Errno.EPERM, () -> gmem.devFault(mm, ro, d, GmFaultHint.NONE, true));
        p.exit();
    }

    @Test
    void destroyDetachesEveryContextAndBringsTheDataHome() {
        MmProcess p = core.memory.spawn("user");
        AddressSpace mm = p.mm();
        GmDev d = dev("npu0");
        long a = mm.mmap(0, REGION, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        byte[] data = new byte[8192];
        java.util.Arrays.fill(data, (byte) 0x5a);
        mm.write(a + 4096, data, 0, data.length);
        GmAs as = gmem.asCreate(mm, 0, 1L << 47);
        as.attach(d, GmMmuMode.COHERENT_EXCLUSIVE, true);
        gmem.devFault(mm, a, d, GmFaultHint.NONE, false);
        as.destroy();
        assertEquals(1, recorder.pmapsDestroyed);
        as.destroy();
        assertNull(gmem.as(mm));
        assertEquals(List.of(), d.contexts());
        assertNull(d.currentCtx());
        assertEquals(4 * MIB / 4096, d.freePages());
        byte[] back = new byte[data.length];
        mm.read(a + 4096, back, 0, back.length);
        assertArrayEquals(data, back);
        GmAs again = gmem.asCreate(mm, 0, 1L << 47);
        again.attach(d, GmMmuMode.COHERENT_EXCLUSIVE, true);
        gmem.devFault(mm, a, d, GmFaultHint.NONE, false);
        d.destroy();
        assertEquals(List.of(), again.contexts());
        assertErrno(Errno.ENODEV, () -> again.attach(d, GmMmuMode.COHERENT_EXCLUSIVE, true));
        mm.read(a + 4096, back, 0, back.length);
        assertArrayEquals(data, back);
        assertEquals(2, recorder.pmapsDestroyed);
        p.exit();
    }
}
