package accelmm.driver.gmem;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.testing.Leaks;
import accelmm.api.Errno;
import accelmm.api.device.DeviceSpec;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmMmuMode;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRegion;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.gmem.GmemAttach;
import accelmm.api.uapi.gmem.GmemContext;
import accelmm.api.uapi.gmem.GmemDetach;
import accelmm.api.uapi.gmem.GmemMarkHot;
import accelmm.api.uapi.gmem.GmemOp;
import accelmm.api.uapi.gmem.GmemResidency;
import accelmm.api.uapi.gmem.GmemRun;
import accelmm.api.uapi.gmem.GmemRunResult;
import accelmm.core.StandaloneCore;
import accelmm.core.device.DeviceManagerImpl;
import accelmm.core.mm.MemoryManagerImpl;

/** The GMEM device on the real core: coherent data, migration both ways, oversubscription, modes. */
class GmemDriverTest {
    static final long MIB = 1L << 20;
    static final long REGION = GmPage.REGION;

    final StandaloneCore core = new StandaloneCore(128 * MIB, 50, false, Set.of());
    final MemoryManagerImpl mm = core.memory;
    final DeviceManagerImpl devices = core.devices;

    GmemDriverTest() {
        device("gmem0", 8 * MIB, Map.of());
        device("gmem1", 8 * MIB, Map.of());
        devices.addDriver(new GmemDriver(), "gmem", 1, 0, "accelmm.driver.gmem", "test");
    }

    void device(String name, long bytes, Map<String, String> props) {
        devices.configure(name, new DeviceSpec(name, "gmem", bytes, (1L << 12) | REGION, REGION, 1L << 20, null, 1, props));
    }

    @AfterEach
    void nothingLeaks() {
        assertEquals(List.of(), core.gmem.check());
        Leaks.assertNothingLeaks(mm, core.dma, core::close, core.diag.warnings()::count);
        assertEquals(List.of(), core.gmem.devices());
    }



    final class Npu {
        final MmProcess p;
        final String device;
        final int fd;

        Npu(String device) {
            this(mm.spawn("npu-user"), device);
        }

        Npu(MmProcess p, String device) {
            this.p = p;
            this.device = device;
            this.fd = devices.open(p, device);
        }

        <R> R ioctl(accelmm.api.device.Request<R> r) {
            return devices.ioctl(p, fd, r);
        }

        GmemContext attach(GmMmuMode mode) {
            return ioctl(new GmemAttach(mode));
        }

        long malloc(long size) {
            return p.mm().mmap(0, size, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        }

        GmemRunResult run(GmemOp op, long addr, long length, int value) {
            return ioctl(new GmemRun(op, addr, length, value));
        }

        byte[] load(long addr, int length) {
            return run(GmemOp.LOAD, addr, length, 0).data();
        }

        byte[] cpuRead(long addr, int length) {
            byte[] b = new byte[length];
            p.mm().read(addr, b, 0, length);
            return b;
        }

        @SuppressWarnings("unchecked")
        List<GmRegion> residency(long addr, long length) {
            return ioctl(new GmemResidency(addr, length));
        }

        GmDev gm() {
            return core.gmem.devices().stream().filter(d -> d.device().equals(device)).findFirst().orElseThrow();
        }
    }

    /** A process attached to {@code device} in COHERENT_EXCLUSIVE mode. */
    Npu exclusive(String device) {
        Npu n = new Npu(device);
        n.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        return n;
    }

    long stat(String device, String name) {
        return devices.stats(device).getOrDefault(name, 0L);
    }

    static byte[] filled(long len, int value) {
        byte[] b = new byte[(int) len];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    static byte[] plus(byte[] b, int v) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (out[i] + v);
        }
        return out;
    }

    @Test
    void theCpuAndTheDeviceUseMallocedMemoryInTurnWithCoherentData() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(2 * REGION);
        byte[] data = pattern((int) (2 * REGION), 3);
        n.p.mm().write(a, data, 0, data.length);

        GmemRunResult r = n.run(GmemOp.LOAD, a, data.length, 0);
        assertArrayEquals(data, r.data());
        assertEquals(2, r.faults(), "one fault per 2 MiB region");
        List<GmRegion> rows = n.residency(a, 2 * REGION);
        assertEquals(2, rows.size());
        for (GmRegion row : rows) {
            assertEquals(GmPage.DEVICE, row.flags());
            assertEquals("gmem0", row.device());
            assertEquals(512, row.devicePages());
            assertEquals(0, row.hostPages());
        }
        assertEquals(8 * MIB / 4096 - 1024, n.gm().freePages());

        n.run(GmemOp.INC, a, data.length, 5);
        assertEquals(0, n.run(GmemOp.LOAD, a, 16, 0).faults(), "resident regions do not fault again");
        byte[] back = n.cpuRead(a + 4096 + 1, 100);
        assertArrayEquals(java.util.Arrays.copyOfRange(plus(data, 5), 4097, 4197), back);
        assertEquals(GmPage.CPU, n.residency(a, REGION).get(0).flags(), "the CPU touch brought the whole region back");
        assertEquals(512, n.residency(a, REGION).get(0).hostPages());
        assertEquals(GmPage.DEVICE, n.residency(a + REGION, REGION).get(0).flags(), "the other region stayed");
        assertArrayEquals(plus(data, 5), n.cpuRead(a, data.length));
        assertEquals(8 * MIB / 4096, n.gm().freePages(), "every device page went back to its hnode");
        assertTrue(stat("gmem0", "gmem.migrate_to_device") >= 2);
        assertEquals(2, stat("gmem0", "gmem.migrate_to_host"));
        assertEquals(2, stat("gmem0", "gmem.host_fault"));
        assertEquals(2, n.gm().hostFaults(), "the device counts the CPU touches that took its regions home");
    }

    @Test
    void theHostFaultBringsBackTheAlignedRegionWhateverTheOffset() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(REGION);
        n.run(GmemOp.STORE, a, REGION, 9);
        byte[] one = new byte[1];
        n.p.mm().read(a + REGION - 1, one, 0, 1);
        assertEquals(9, one[0]);
        GmRegion row = n.residency(a, REGION).get(0);
        assertEquals(GmPage.CPU, row.flags());
        assertEquals(0, row.devicePages());
        assertEquals(512, row.hostPages());
    }

    @Test
    void aWorkingSetLargerThanDeviceMemoryEvictsTheLeastRecentlyUsedRegions() {
        Npu n = exclusive("gmem0");
        int regions = 8;
        long a = n.malloc(regions * REGION);
        for (int i = 0; i < regions; i++) {
            n.run(GmemOp.STORE, a + i * REGION, REGION, i + 1);
        }
        assertTrue(stat("gmem0", "gmem.evict") >= 4, "8 regions through 4 regions of memory");
        assertTrue(stat("gmem0", "gmem.migrating") >= 4);
        List<GmRegion> rows = n.residency(a, regions * REGION);
        assertEquals(List.of(GmPage.CPU, GmPage.CPU, GmPage.CPU, GmPage.CPU, GmPage.DEVICE, GmPage.DEVICE, GmPage.DEVICE,
                GmPage.DEVICE), rows.stream().map(GmRegion::flags).toList(), "the oldest regions went home");
        for (int i = 0; i < regions; i++) {
            byte[] want = filled(REGION, i + 1);
            assertArrayEquals(want, n.load(a + i * REGION, (int) REGION), "region " + i);
        }
        for (int i = 0; i < regions; i++) {
            byte[] want = filled(REGION, i + 1);
            assertArrayEquals(want, n.cpuRead(a + i * REGION, (int) REGION), "region " + i + " on the CPU");
        }
    }

    @Test
    void hotRegionsAreNeverEvicted() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(8 * REGION);
        assertEquals(1, n.ioctl(new GmemMarkHot(a, REGION)));
        assertEquals(GmPage.DEVICE | GmPage.WILLNEED, n.residency(a, REGION).get(0).flags());
        for (int round = 0; round < 2; round++) {
            for (int i = 1; i < 8; i++) {
                n.run(GmemOp.INC, a + i * REGION, REGION, 1);
            }
        }
        assertEquals(GmPage.DEVICE | GmPage.WILLNEED, n.residency(a, REGION).get(0).flags());
        assertEquals(0, n.run(GmemOp.LOAD, a, REGION, 0).faults());
        n.ioctl(new GmemMarkHot(a + REGION, 3 * REGION));
        assertErrno(Errno.ENOMEM, () -> n.run(GmemOp.LOAD, a + 4 * REGION, 4096, 0));
        byte[] want = filled(4096, 2);
        assertArrayEquals(want, n.cpuRead(a + 7 * REGION, 4096));
    }

    @Test
    void twoDevicesShareOneAddressSpaceAndPassDataThroughIt() {
        Npu n0 = new Npu("gmem0");
        Npu n1 = new Npu(n0.p, "gmem1");
        GmemContext c0 = n0.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        GmemContext c1 = n1.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        assertEquals(c0.asId(), c1.asId());
        long a = n0.malloc(REGION);
        n0.run(GmemOp.STORE, a, REGION, 40);
        assertEquals("gmem0", n0.residency(a, REGION).get(0).device());
        n1.run(GmemOp.INC, a, REGION, 2);
        assertEquals("gmem1", n0.residency(a, REGION).get(0).device());
        assertEquals(8 * MIB / 4096, n0.gm().freePages());
        assertEquals(1, stat("gmem1", "gmem.peer_transfer"), "both can reach peer memory: one copy, device to device");
        assertEquals(0, stat("gmem0", "gmem.migrate_to_host"));
        byte[] load = n0.load(a, (int) REGION);
        byte[] want = filled(REGION, 42);
        assertArrayEquals(want, load);
        assertArrayEquals(want, n1.cpuRead(a, (int) REGION));
    }

    @Test
    void withoutPeerAccessARegionChangesDevicesThroughHostMemory() {
        device("gmem2", 4 * MIB, Map.of("peer", "false"));
        Npu n0 = new Npu("gmem0");
        Npu n2 = new Npu(n0.p, "gmem2");
        n0.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        n2.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        long a = n0.malloc(REGION);
        n0.run(GmemOp.STORE, a, REGION, 50);
        n2.run(GmemOp.INC, a, REGION, 1);
        assertEquals("gmem2", n0.residency(a, REGION).get(0).device());
        assertEquals(1, stat("gmem0", "gmem.migrate_to_host"));
        assertEquals(0, stat("gmem2", "gmem.peer_transfer"));
        assertArrayEquals(filled(REGION, 51), n0.cpuRead(a, (int) REGION));
    }

    @Test
    void aFailedPeerMapLeavesTheDataWhereItWas() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(REGION);
        byte[] data = pattern((int) REGION, 11);
        n.p.mm().write(a, data, 0, data.length);
        for (int step = 0; step < 3; step++) {
            mm.failArm("device.alloc", 100, step * 100L + 1, 1, 1);
            assertErrno(Errno.ENOMEM, () -> n.run(GmemOp.INC, a, REGION, 1));
            mm.failDisarm("device.alloc");
            assertEquals(0, n.residency(a, REGION).get(0).flags() & GmPage.DEVICE);
            assertEquals(512, n.residency(a, REGION).get(0).hostPages());
            assertEquals(8 * MIB / 4096, n.gm().freePages(), "the pages taken before the failure went back");
            assertArrayEquals(data, n.cpuRead(a, data.length), "step " + step);
        }
        n.run(GmemOp.INC, a, REGION, 1);
        assertArrayEquals(plus(data, 1), n.cpuRead(a, data.length));
    }

    @Test
    void sharedAndReplicatedModesKeepDataInHostMemory() {
        Npu share = new Npu("gmem0");
        share.attach(GmMmuMode.SHARE);
        long a = share.malloc(REGION);
        share.run(GmemOp.STORE, a, 8192, 3);
        assertEquals(3, share.cpuRead(a + 8191, 1)[0]);

        Npu rep = new Npu("gmem1");
        rep.attach(GmMmuMode.REPLICATE);
        long b = rep.malloc(REGION);
        rep.run(GmemOp.STORE, b, 8192, 4);
        assertEquals(4, rep.cpuRead(b + 8191, 1)[0]);
        rep.p.mm().write(b, new byte[] {77}, 0, 1);
        assertEquals(77, rep.load(b, 1)[0], "the CPU's write reached the replica");
        assertEquals(0, stat("gmem1", "gmem.migrate_to_device"));
        GmRegion row = rep.residency(b, REGION).get(0);
        assertEquals(0, row.devicePages());
    }

    @Test
    void modesNeedingCoherenceAreRefusedByADeviceWithout() {
        device("gmem2", 4 * MIB, Map.of("coherent", "false", "replayable", "false"));
        Npu n = new Npu("gmem2");
        assertErrno(Errno.EOPNOTSUPP, () -> n.attach(GmMmuMode.SHARE));
        assertErrno(Errno.EOPNOTSUPP, () -> n.attach(GmMmuMode.REPLICATE));
        n.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        long a = n.malloc(2 * REGION);
        n.run(GmemOp.STORE, a, 2 * REGION, 6);
        assertEquals(6, n.cpuRead(a + 2 * REGION - 1, 1)[0]);
    }

    @Test
    void aRunOverEightTimesDeviceMemoryFaultsAndEvictsAsOftenAsItNeeds() {
        Npu n = new Npu("gmem0");
        long size = 64 * MIB;
        long a = n.malloc(size);
        n.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        GmemRunResult w = n.run(GmemOp.STORE, a, size, 9);
        assertEquals(32, w.faults() - w.migrating(), "one fault per region that came in");
        assertTrue(w.evictions() >= 28, "64 MiB through 8 MiB evicts: " + w.evictions());
        byte[] nines = new byte[(int) size];
        java.util.Arrays.fill(nines, (byte) 9);
        assertArrayEquals(nines, n.load(a, (int) size));
        assertArrayEquals(nines, n.cpuRead(a, (int) size));
    }

    @Test
    void stampKernelsStoreAndLoadAStampPerPageThroughOversubscribedMemory() {
        Npu n = new Npu("gmem0");
        long size = 32 * MIB;
        long a = n.malloc(size);
        n.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        n.run(GmemOp.STORE_STAMPS, a, size, 77);
        long[] loaded = accelmm.api.mm.Stamps.unpack(n.run(GmemOp.LOAD_STAMPS, a, size, 0).data());
        long[] cpu = new long[(int) (size / 4096)];
        n.p.mm().readStamps(a, cpu, 0, cpu.length);
        for (int i = 0; i < cpu.length; i++) {
            long want = accelmm.api.mm.Stamps.derive(77, a + i * 4096L);
            assertEquals(want, loaded[i], "device page " + i);
            assertEquals(want, cpu[i], "CPU page " + i);
        }
        assertErrno(Errno.EINVAL, () -> n.run(GmemOp.STORE_STAMPS, a + 8, 4096, 1));
        assertErrno(Errno.EINVAL, () -> n.run(GmemOp.LOAD_STAMPS, a, 100, 1));
    }

    @Test
    void badRequestsGetTheirErrnoAndChangeNothing() {
        Npu n = new Npu("gmem0");
        long a = n.malloc(REGION);
        assertErrno(Errno.EINVAL, () -> n.run(GmemOp.LOAD, a, 16, 0));
        assertErrno(Errno.EINVAL, () -> n.ioctl(new GmemAttach(null)));
        n.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        assertErrno(Errno.EEXIST, () -> n.attach(GmMmuMode.COHERENT_EXCLUSIVE));
        assertErrno(Errno.EEXIST, () -> new Npu(n.p, "gmem0").attach(GmMmuMode.COHERENT_EXCLUSIVE));
        assertErrno(Errno.EINVAL, () -> n.run(GmemOp.LOAD, a, 0, 0));
        assertErrno(Errno.EINVAL, () -> n.run(GmemOp.LOAD, a, GmemRun.MAX_LOAD + 1, 0));
        assertErrno(Errno.EINVAL, () -> n.run(null, a, 1, 0));
        assertErrno(Errno.EINVAL, () -> n.run(GmemOp.LOAD, Long.MAX_VALUE - 2, 16, 0));
        assertErrno(Errno.EFAULT, () -> n.run(GmemOp.LOAD, a + REGION, 16, 0));
        long ro = n.p.mm().mmap(0, REGION, Prot.READ, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        assertErrno(Errno.EPERM, () -> n.run(GmemOp.STORE, ro, 16, 1));
        assertEquals(0, n.load(ro, 16)[5]);
        assertErrno(Errno.ENOTTY, () -> n.ioctl(new accelmm.api.uapi.xe.XeVmCreate(true)));
        long shared = n.p.mm().mmap(0, REGION, Prot.READ | Prot.WRITE, MapFlags.SHARED | MapFlags.ANONYMOUS);
        assertErrno(Errno.EFAULT, () -> n.run(GmemOp.LOAD, shared, 16, 0));
        assertEquals(List.of(), n.residency(a, REGION), "no device touched the region");
    }

    @Test
    void munmapAndExitGiveDeviceMemoryBack() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(3 * REGION);
        n.run(GmemOp.STORE, a, 3 * REGION, 1);
        n.p.mm().munmap(a, REGION);
        assertEquals(8 * MIB / 4096 - 1024, n.gm().freePages());
        assertEquals(2, n.residency(a, 3 * REGION).size(), "the unmapped region is forgotten");
        assertErrno(Errno.EFAULT, () -> n.run(GmemOp.LOAD, a, 16, 0));
        n.p.exit();
        assertEquals(8 * MIB / 4096, n.gm().freePages());
        assertEquals(List.of(), core.gmem.addressSpaces());
        assertEquals(List.of(), n.gm().contexts());
    }

    @Test
    void detachingBringsTheDataHome() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(REGION);
        n.run(GmemOp.STORE, a, REGION, 8);
        n.ioctl(new GmemDetach());
        assertEquals(8 * MIB / 4096, n.gm().freePages());
        assertEquals(8, n.cpuRead(a + 100, 1)[0]);
        assertErrno(Errno.EINVAL, () -> n.ioctl(new GmemDetach()));
        n.attach(GmMmuMode.COHERENT_EXCLUSIVE);
        n.run(GmemOp.INC, a, REGION, 1);
        n.p.fds().close(n.fd);
        assertEquals(9, n.cpuRead(a + 100, 1)[0], "closing the file detached it");
        assertEquals(List.of(), n.gm().contexts());
    }

    @Test
    void aDriverSwapKeepsTheDeviceAndItsData() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(2 * REGION);
        n.run(GmemOp.STORE, a, 2 * REGION, 5);
        GmDev before = n.gm();
        devices.addDriver(new GmemDriver(), "gmem", 2, 1, "accelmm.driver.gmem", "test2");
        devices.removeDriver(1);
        assertEquals(before, n.gm());
        n.run(GmemOp.INC, a, 2 * REGION, 1);
        byte[] want = filled(2 * REGION, 6);
        assertArrayEquals(want, n.cpuRead(a, want.length));
    }

    @Test
    void unplugBringsEveryRegionHome() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(2 * REGION);
        n.run(GmemOp.STORE, a, 2 * REGION, 12);
        devices.removeDriver(1);
        while (devices.info("gmem0").unplugs() == 0) {
            Thread.onSpinWait();
        }
        byte[] want = filled(2 * REGION, 12);
        assertArrayEquals(want, n.cpuRead(a, want.length));
        assertTrue(core.gmem.devices().stream().noneMatch(d -> d.device().equals("gmem0")));
    }

    @Test
    void theCpuNeverSeesAHalfDoneOrLostDeviceUpdate() throws Exception {
        Npu n = exclusive("gmem0");
        long a = n.malloc(REGION);
        int runs = 60;
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread device = new Thread(() -> {
            try {
                for (int i = 0; i < runs; i++) {
                    n.run(GmemOp.INC, a, REGION, 1);
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        device.start();
        int reads = 0;
        while (device.isAlive()) {
            long page = a + (reads++ % 512) * 4096L;
            byte[] b = n.cpuRead(page, 4096);
            for (byte x : b) {
                assertEquals(b[0], x, "a page the CPU sees is never half incremented");
            }
        }
        device.join();
        assertNull(failed.get());
        assertArrayEquals(filled(REGION, runs), n.cpuRead(a, (int) REGION), "no increment was lost to a migration");
        assertTrue(stat("gmem0", "gmem.host_fault") > 0, "the CPU reads pulled the region back " + reads + " times");
    }

    @Test
    void aForkedChildReadsRegionsThatSitOnTheDevice() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(REGION);
        n.run(GmemOp.STORE, a, REGION, 21);
        MmProcess child = n.p.fork("child");
        assertEquals(0, n.run(GmemOp.LOAD, a, REGION, 0).faults(), "the fork only write-protected the device's entries");
        byte[] seen = new byte[(int) REGION];
        child.mm().read(a, seen, 0, seen.length);
        assertArrayEquals(filled(REGION, 21), seen);
        n.run(GmemOp.INC, a, REGION, 1);
        child.mm().read(a, seen, 0, seen.length);
        assertArrayEquals(filled(REGION, 21), seen, "the child keeps its copy");
        assertArrayEquals(filled(REGION, 22), n.cpuRead(a, (int) REGION));
        child.exit();
    }

    @Test
    void memoryMovedByMremapKeepsItsBytesOnTheDeviceAndTheCpu() {
        Npu n = exclusive("gmem0");
        long a = n.malloc(2 * REGION);
        n.run(GmemOp.STORE, a, 2 * REGION, 33);
        long b = n.p.mm().mremap(a, 2 * REGION, 2 * REGION, accelmm.api.mm.MremapFlags.MAYMOVE | accelmm.api.mm.MremapFlags.FIXED,
                a + 64 * REGION);
        assertArrayEquals(filled(REGION, 33), n.load(b, (int) REGION));
        n.run(GmemOp.INC, b + REGION, REGION, 1);
        assertArrayEquals(filled(REGION, 33), n.cpuRead(b, (int) REGION));
        assertArrayEquals(filled(REGION, 34), n.cpuRead(b + REGION, (int) REGION));
        assertErrno(Errno.EFAULT, () -> n.run(GmemOp.LOAD, a, 16, 0));
    }
}
