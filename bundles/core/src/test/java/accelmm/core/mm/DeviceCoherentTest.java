package accelmm.core.mm;

import static accelmm.testing.Patterns.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.junit.jupiter.api.Test;

import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.mm.GupFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PinnedPages;
import accelmm.api.notifier.IntervalNotifier;

/** MEMORY_DEVICE_COHERENT: the CPU uses the device's pages in place; they migrate back only when selected, pinned or copied on write. */
class DeviceCoherentTest extends DmirrorFixture {
    DeviceCoherentTest() {
        super(true, "coherent");
    }

    long deviceFaults() {
        return mm.counters().getOrDefault("fault.device_private", 0L);
    }

    @Test
    void theCpuReadsAndWritesCoherentPagesInPlace() {
        assertTrue(dev.pagemap.coherent());
        long a = as.mmap(0, 4 * PAGE, RW, ANON);
        byte[] data = pattern(4 * PAGE, 3);
        as.write(a, data, 0, data.length);
        assertEquals(4, dev.migrateToDevice(as, a, a + 4 * PAGE));
        assertEquals(4L * PAGE, dev.vram.info().used());
        long faults = deviceFaults();
        byte[] got = new byte[data.length];
        as.read(a, got, 0, got.length);
        assertArrayEquals(data, got, "the CPU reads the device's pages");
        as.write(a + PAGE + 7, new byte[] {1, 2, 3}, 0, 3);
        assertEquals(faults, deviceFaults(), "no CPU access faulted");
        assertEquals(4L * PAGE, dev.vram.info().used(), "and nothing migrated back");

        // hmm_range_fault shows them to any caller as ordinary, writable pages.
        IntervalNotifier n = as.insertNotifier(a, 4 * PAGE, (sub, range, cur) -> {
            sub.setSeq(cur);
            return true;
        });
        HmmRange r = new HmmRange(n, a, a + 4 * PAGE);
        r.defaultFlags = HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE;
        HmmRetry.fault(as, r);
        for (long e : r.pfns) {
            assertEquals(dev.vram.id(), HmmPfn.node(e));
            assertTrue(HmmPfn.writable(e));
            assertFalse(HmmPfn.devicePrivate(e));
        }
        byte[] onDevice = new byte[3];
        mm.physRead(HmmPfn.physAddr(r.pfns[1]) + 7, onDevice, 0, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, onDevice, "the CPU's write landed in device memory");
        n.remove();
    }

    @Test
    void theyMigrateBackOnlyWhenSelectedAsCoherent() {
        long a = as.mmap(0, 2 * PAGE, RW, ANON);
        byte[] data = pattern(2 * PAGE, 5);
        as.write(a, data, 0, data.length);
        dev.migrateToDevice(as, a, a + 2 * PAGE);
        assertEquals(0, dev.migrateToSystem(as, a, a + 2 * PAGE, MigrateVma.SELECT_DEVICE_PRIVATE),
                "device-private selection does not take coherent pages");
        assertEquals(2, dev.migrateToSystem(as, a, a + 2 * PAGE, MigrateVma.SELECT_DEVICE_COHERENT));
        assertEquals(0, dev.vram.info().used());
        byte[] got = new byte[data.length];
        as.read(a, got, 0, got.length);
        assertArrayEquals(data, got);

        // Eviction (memory pressure, an unplug) takes them home too, and unmapping frees them.
        dev.migrateToDevice(as, a, a + 2 * PAGE);
        assertEquals(2, dev.pagemap.evict(0, 1 << 11), "both pages evicted");
        assertEquals(0, dev.vram.info().used());
        as.read(a, got, 0, got.length);
        assertArrayEquals(data, got);
        dev.migrateToDevice(as, a, a + 2 * PAGE);
        int freed = dev.freed;
        as.munmap(a, 2 * PAGE);
        assertEquals(freed + 2, dev.freed, "unmapping gives the device its pages back");
    }

    @Test
    void aPinOrACopyOnWriteTakesThePageToSystemMemoryFirst() {
        long a = as.mmap(0, 3 * PAGE, RW, ANON);
        byte[] data = pattern(3 * PAGE, 9);
        as.write(a, data, 0, data.length);
        dev.migrateToDevice(as, a, a + 3 * PAGE);
        PinnedPages pin = as.pinUserPages(a, 1, GupFlags.WRITE);
        assertEquals(0, pin.node(), "a pinned page is in system memory");
        assertEquals(2L * PAGE, dev.vram.info().used());
        byte[] viaPin = new byte[PAGE];
        mm.host().read(pin.pfns()[0], 0, viaPin, 0, PAGE);
        assertArrayEquals(java.util.Arrays.copyOf(data, PAGE), viaPin);
        pin.unpin();

        MmProcess child = proc.fork("child");
        byte[] got = new byte[2 * PAGE];
        child.mm().read(a + PAGE, got, 0, got.length);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, PAGE, 3 * PAGE), got, "the child reads the shared device pages");
        child.mm().write(a + 2 * PAGE, new byte[] {7}, 0, 1);
        byte[] parent = new byte[1];
        as.read(a + 2 * PAGE, parent, 0, 1);
        assertEquals(data[2 * PAGE], parent[0], "the child's write copied the page, the parent keeps its own");
        byte[] childByte = new byte[1];
        child.mm().read(a + 2 * PAGE, childByte, 0, 1);
        assertEquals(7, childByte[0]);
        child.exit();
    }
}
