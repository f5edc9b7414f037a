package accelmm.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import accelmm.api.gpusvm.GpuSvm;
import accelmm.api.gpusvm.GpuSvmPolicy;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.mmu.IoPgtable;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.dma.DmaImpl;
import accelmm.core.idr.IdrRegistryImpl;
import accelmm.core.mm.MemoryManagerImpl;

/** The core's GPU SVM helper, driven directly: the fault protocol, invalidation with and without a driver, teardown. */
class GpuSvmTest {
    static final long PAGE = 4096;
    static final long[] CHUNKS = {2L << 20, 64L << 10, 4L << 10};
    final CoreDiagnostics diag = CoreDiagnostics.create();
    final IdrRegistryImpl registry = new IdrRegistryImpl(diag);
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, registry, 64L << 20, false);
    final DmaImpl dma = new DmaImpl(mm, diag, Set.of("rc0"));
    final DeviceManagerImpl devices = new DeviceManagerImpl(mm, dma, registry, diag.warnings(), 100, false);
    static final DeviceSpec SVM0 = new DeviceSpec("svm0", "svm", 8L << 20, 1L << 12, 1L << 21, 1L << 20, "rc0/sw0/svm0",
            2, Map.of());
    /** Stays in system memory, never makes room. */
    static final GpuSvmPolicy SYSTEM = new GpuSvmPolicy() {
        @Override
        public boolean wantDevmem(long start, long end) {
            return false;
        }

        @Override
        public boolean makeRoom(GpuSvm svm, long keepStart) {
            return false;
        }
    };

    /** Moves everything to device memory, evicting other ranges when it must. */
    static GpuSvmPolicy vram(DeviceContext dev) {
        return new GpuSvmPolicy() {
            @Override
            public boolean wantDevmem(long start, long end) {
                return true;
            }

            @Override
            public boolean makeRoom(GpuSvm svm, long keepStart) {
                return dev.gpuSvms().evictLeastRecentlyUsed(svm, keepStart);
            }
        };
    }

    MmProcess p;
    DeviceFile file;
    IoPgtable pt;
    GpuSvm svm;

    void open() {
        devices.configure("pid.svm0", SVM0);
        devices.addDriver(new DeviceDriver() {
            @Override
            public <R> R ioctl(DeviceFile f, accelmm.api.device.Request<R> request) {
                throw Errno.ENOTTY.exception("no ioctls");
            }

            @Override
            public boolean migrateToRam(DeviceContext dev, accelmm.api.mm.AddressSpace space, long addr) {
                return dev.gpuSvms().migrateToRam(space, addr);
            }
        }, "svm", 1, 0, "test", "1.0.0");
        p = mm.spawn("p");
        int fd = devices.open(p, "svm0");
        file = devices.file(p, fd);
        pt = file.device().ioPgtable((1L << 12) | (1L << 21), 48, 48);
        svm = file.device().gpuSvms().create(file, pt, 512L << 20, CHUNKS, "svm");
    }

    @AfterEach
    void nothingLeaks() {
        for (var q : mm.processes()) {
            mm.process(q.pid()).exit();
        }
        devices.deactivate();
        assertEquals(List.of(), mm.check());
        assertEquals(0, diag.warnings().count());
    }

    long counter(String name) {
        return file.device().counters().getOrDefault(name, 0L);
    }

    @Test
    void aFaultBindsTheLargestChunkThatFitsTheVmaAndTheBind() {
        open();
        long a = p.mm().mmap(0, 4L << 20, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        long at = (a + (2L << 20)) & ~((2L << 20) - 1);
        p.mm().write(at + 5 * PAGE + 9, new byte[] {7, 8, 9}, 0, 3);
        assertNull(svm.fault(at + 5 * PAGE, true, 0, 1L << 47, false, SYSTEM));
        file.device().lock().lock();
        accelmm.api.gpusvm.GpuSvmRange r;
        try {
            r = svm.rangeAt(at + 5 * PAGE);
        } finally {
            file.device().lock().unlock();
        }
        assertEquals(at, r.start());
        assertEquals(at + (2L << 20), r.end(), "a 2 MiB range where the VMA holds one");
        assertTrue(r.mapped() && r.writable() && !r.devmem());
        byte[] seen = new byte[3];
        mm.physRead(pt.iovaToPhys(at + 5 * PAGE) + 9, seen, 0, 3);
        assertEquals(List.of((byte) 7, (byte) 8, (byte) 9), List.of(seen[0], seen[1], seen[2]), "the GPU sees the CPU's page");
        assertNull(svm.fault(at + 7 * PAGE, false, 0, 1L << 47, false, SYSTEM), "a fault in a bound range is served as it is");
        assertEquals(1, counter("svm.range"));
        // Only 4 KiB fits between the bind's end and the next page.
        assertNull(svm.fault(a, false, a, a + PAGE, false, SYSTEM));
        assertEquals(2, counter("svm.range"));
        assertEquals(PAGE, svm.rangeAt(a).end() - svm.rangeAt(a).start());
    }

    @Test
    void whatAFaultCannotServeEndsTheAccessWithTheKernelsErrno() {
        open();
        long ro = p.mm().mmap(0, 64L << 10, Prot.READ, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        assertEquals(Errno.EPERM, svm.fault(ro, true, 0, 1L << 47, false, SYSTEM));
        p.mm().munmap(ro, 64L << 10);
        assertEquals(Errno.ENOENT, svm.fault(ro, false, 0, 1L << 47, false, SYSTEM));
        assertEquals(0, counter("svm.range"));
    }

    @Test
    void anUnmapIsServedByTheCoreWhileNoDriverIsBoundAndTheRangeIsCollectedLater() {
        open();
        long a = p.mm().mmap(0, 2L << 20, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        assertNull(svm.fault(a, true, 0, 1L << 47, false, SYSTEM));
        assertNotEquals(0, pt.iovaToPhys(a));
        devices.removeDriver(1);
        p.mm().munmap(a, PAGE);
        assertEquals(0, pt.iovaToPhys(a + PAGE), "the whole range is zapped, not only the page unmapped");
        assertEquals(1, counter("svm.invalidate"));
        long b = p.mm().mmap(a, PAGE, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS | MapFlags.FIXED);
        assertNull(svm.fault(b + PAGE, false, 0, 1L << 47, false, SYSTEM), "a fault with the driver gone still works");
        assertEquals(1, counter("svm.gc"), "the unmapped range went first");
    }

    @Test
    void destroyLetsEveryNotifierGoAndLeavesNothingBound() {
        open();
        long a = p.mm().mmap(0, 1L << 30, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        long win = ((a + (512L << 20)) & ~((512L << 20) - 1));
        assertNull(svm.fault(win - PAGE, false, 0, 1L << 47, false, SYSTEM));
        assertNull(svm.fault(win, false, 0, 1L << 47, false, SYSTEM));
        assertEquals(2, p.mm().notifiers().size(), "one notifier per 512 MiB window");
        svm.destroy();
        assertEquals(0, p.mm().notifiers().size());
        assertEquals(0, pt.iovaToPhys(win));
        assertNull(file.device().gpuSvms().find(svm.id()));
    }

    @Test
    void devmemRangesMigrateAndTheLeastRecentlyUsedIsEvictedWhenFull() {
        open();
        DeviceContext dev = file.device();
        long a = p.mm().mmap(0, 16L << 20, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        long first = (a + (2L << 20) - 1) & ~((2L << 20) - 1);
        byte[] mark = {42};
        for (int i = 0; i < 5; i++) {
            p.mm().write(first + i * (2L << 20), mark, 0, 1);
            assertNull(svm.fault(first + i * (2L << 20), true, 0, 1L << 47, false, vram(dev)));
        }
        assertTrue(counter("svm.migrate_to_vram") >= 4, "8 MiB of device memory holds four ranges");
        assertTrue(counter("svm.evict") >= 1, "the fifth evicted the oldest");
        for (int i = 0; i < 5; i++) {
            byte[] back = new byte[1];
            p.mm().read(first + i * (2L << 20), back, 0, 1);
            assertEquals(42, back[0], "every byte survives migration and eviction");
        }
        svm.destroy();
    }

    /** Selects the faulting page and the three after it. */
    static final accelmm.api.policy.PrefetchPolicy NEXT4 = new accelmm.api.policy.PrefetchPolicy() {
        @Override
        public String name() {
            return "next4";
        }

        @Override
        public String summary() {
            return "the faulting page and three more";
        }

        @Override
        public void prefetch(accelmm.api.policy.PrefetchRequest q, accelmm.api.policy.PolicyParams params) {
            q.select(q.faultPage(), q.faultPage() + 4);
        }
    };

    /** The most recently used candidate. */
    static final accelmm.api.policy.EvictionPolicy NEWEST = new accelmm.api.policy.EvictionPolicy() {
        @Override
        public String name() {
            return "newest";
        }

        @Override
        public String summary() {
            return "the most recently used";
        }

        @Override
        public accelmm.api.policy.PolicyBlock victim(accelmm.api.policy.EvictionCandidates c, accelmm.api.policy.PolicyParams p) {
            return c.get(c.size() - 1);
        }
    };

    @Test
    void aPrefetchPolicysPagesMoveAndMapWithTheFaultInAlignedRanges() {
        open();
        devices.policies().add(NEXT4, 100, 0, "test");
        devices.policies().select("svm0", accelmm.api.policy.PolicyKind.PREFETCH, "next4", Map.of());
        DeviceContext dev = file.device();
        long a = p.mm().mmap(0, 4L << 20, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        long at = (a + (2L << 20) - 1) & ~((2L << 20) - 1);
        p.mm().write(at + 6 * PAGE, new byte[] {5}, 0, 1);
        assertNull(svm.fault(at + 5 * PAGE, false, 0, 1L << 47, false, vram(dev)));
        // Pages 5..8 selected: 5 alone (odd), 6..7 as one aligned block, 8 alone.
        dev.lock().lock();
        try {
            assertEquals(List.of(at + 5 * PAGE, at + 6 * PAGE, at + 6 * PAGE, at + 8 * PAGE),
                    List.of(svm.rangeAt(at + 5 * PAGE).start(), svm.rangeAt(at + 6 * PAGE).start(), svm.rangeAt(at + 7 * PAGE).start(),
                            svm.rangeAt(at + 8 * PAGE).start()));
            assertNull(svm.rangeAt(at + 9 * PAGE));
            for (int i = 5; i < 9; i++) {
                assertNotEquals(0, pt.iovaToPhys(at + i * PAGE), "page " + i + " is mapped without a fault of its own");
                assertTrue(svm.rangeAt(at + i * PAGE).devmem());
            }
            svm.touchPage(svm.rangeAt(at + 6 * PAGE), at + 6 * PAGE);
        } finally {
            dev.lock().unlock();
        }
        byte[] seen = new byte[1];
        mm.physRead(pt.iovaToPhys(at + 6 * PAGE), seen, 0, 1);
        assertEquals(5, seen[0], "a prefetched page carries its data");
        assertEquals(3, counter("policy.prefetch_pages"));
        assertEquals(1, counter("policy.prefetch_used"));
        svm.destroy();
        assertEquals(2, counter("policy.prefetch_wasted"), "pages 7 and 8 went unused");
    }

    @Test
    void theEvictionPolicyChoosesTheVictimAndTheDefaultComesBackWhenItGoes() {
        open();
        devices.policies().add(NEWEST, 101, 0, "test");
        devices.policies().select("svm0", accelmm.api.policy.PolicyKind.EVICTION, "newest", Map.of());
        DeviceContext dev = file.device();
        long a = p.mm().mmap(0, 16L << 20, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        long first = (a + (2L << 20) - 1) & ~((2L << 20) - 1);
        for (int i = 0; i < 4; i++) {
            assertNull(svm.fault(first + i * (2L << 20), true, 0, 1L << 47, false, vram(dev)));
        }
        dev.lock().lock();
        try {
            svm.touch(svm.rangeAt(first + PAGE));
        } finally {
            dev.lock().unlock();
        }
        assertNull(svm.fault(first + 4 * (2L << 20), true, 0, 1L << 47, false, vram(dev)));
        dev.lock().lock();
        try {
            assertTrue(!svm.rangeAt(first).devmem(), "the range used last went");
            for (int i = 1; i < 5; i++) {
                assertTrue(svm.rangeAt(first + i * (2L << 20)).devmem(), "range " + i + " stays");
            }
        } finally {
            dev.lock().unlock();
        }
        assertEquals(1, counter("policy.victims"));
        devices.policies().remove(101);
        assertTrue(dev.policies().current().isDefault(accelmm.api.policy.PolicyKind.EVICTION), "lru while newest is away");
        assertEquals("newest", devices.policies().selected("svm0", accelmm.api.policy.PolicyKind.EVICTION), "the choice is kept");
        devices.policies().add(NEWEST, 102, 0, "test");
        assertEquals("newest", dev.policies().current().name(accelmm.api.policy.PolicyKind.EVICTION));
        svm.destroy();
    }
}
