package accelmm.core.mm;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.GupFlags;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;
import accelmm.api.notifier.IntervalNotifier;

/** Device-private memory and migration, driven by the dmirror-style test device. */
class MigrationTest extends DmirrorFixture {
    MigrationTest() {
        super(false, "svm");
    }

    byte[] cpuRead(AddressSpace s, long a, int len) {
        byte[] b = new byte[len];
        s.read(a, b, 0, len);
        return b;
    }

    @Test
    void bytesSurviveMigrationToVramAndBackOnCpuAccess() {
        long a = as.mmap(0, 4 * PAGE, RW, ANON);
        byte[] data = pattern(3 * PAGE, 3);
        as.write(a, data, 0, data.length);
        IntervalNotifier n = dev.watch(as, a, 4 * PAGE);
        assertEquals(4, dev.migrateToDevice(as, a, a + 4 * PAGE), "three written pages and one untouched");
        assertEquals(0, mm.nodes().get(0).used(), "the host pages went away");
        assertEquals(4L * PAGE, dev.vram.info().used());
        assertEquals(4L, (long) mm.counters().get("migrate.pages"));
        long[] entries = dev.fault(as, n, a, a + 4 * PAGE, false);
        for (long e : entries) {
            assertEquals(dev.vram.id(), HmmPfn.node(e), "the owner sees its device pages in place");
            assertTrue(HmmPfn.devicePrivate(e));
        }
        byte[] viaDevice = dev.read(as, n, a, 4);
        assertArrayEquals(data, java.util.Arrays.copyOf(viaDevice, data.length));
        assertArrayEquals(new byte[PAGE], java.util.Arrays.copyOfRange(viaDevice, 3 * PAGE, 4 * PAGE), "zero-filled");
        assertArrayEquals(data, cpuRead(as, a, data.length), "a CPU read migrates back with every byte");
        assertEquals(3L, (long) mm.counters().get("fault.device_private"));
        assertEquals(PAGE, dev.vram.info().used(), "only the untouched page is still on the device");
        assertEquals(3, dev.freed);
        n.remove();
    }

    @Test
    void aDeviceLargerThanOnePagemapSlotKeepsBytesOnEveryFrame() {
        Dmirror big = new Dmirror(mm, 192L << 30);
        List<accelmm.api.mm.Block> low = big.vram.allocBlocks(0, 128L << 30, 128L << 30, 1L << 30, 0);
        long a = as.mmap(0, 4 * PAGE, RW, ANON);
        byte[] data = pattern(4 * PAGE, 9);
        as.write(a, data, 0, data.length);
        IntervalNotifier n = big.watch(as, a, 4 * PAGE);
        assertEquals(4, big.migrateToDevice(as, a, a + 4 * PAGE));
        for (long e : big.fault(as, n, a, a + 4 * PAGE, false)) {
            assertEquals(big.vram.id(), HmmPfn.node(e));
            assertTrue(HmmPfn.pfn(e) >= (128L << 30) / PAGE, "a frame past the first two slots: " + HmmPfn.pfn(e));
        }
        assertArrayEquals(data, big.read(as, n, a, 4));
        assertArrayEquals(data, cpuRead(as, a, data.length), "back on the CPU with every byte");
        n.remove();
        big.vram.freeBlocks(low);
        assertEquals(0, big.vram.info().used());
    }

    @Test
    void stampsTravelWithTheirPagesThroughMigrationForkAndByteAccess() {
        long a = as.mmap(0, 4 * PAGE, RW, ANON);
        long[] stamps = {accelmm.api.mm.Stamps.of(1), accelmm.api.mm.Stamps.of(2), accelmm.api.mm.Stamps.of(3)};
        as.writeStamps(a, stamps, 0, 3);
        long[] seen = new long[4];
        as.readStamps(a, seen, 0, 4);
        assertArrayEquals(new long[] {stamps[0], stamps[1], stamps[2], 0}, seen, "an untouched page reads stamp 0");
        assertArrayEquals(accelmm.api.mm.Stamps.page(stamps[1]), cpuRead(as, a + PAGE, PAGE), "bytes are the expansion");
        assertTrue(mm.nodes().get(0).backed() < PAGE, "three stamped pages hold 8 bytes each, not 4 KiB");
        IntervalNotifier n = dev.watch(as, a, 4 * PAGE);
        assertEquals(4, dev.migrateToDevice(as, a, a + 4 * PAGE));
        MmProcess child = proc.fork("child");
        byte[] patch = {9};
        as.write(a + 2 * PAGE + 5, patch, 0, 1);
        as.readStamps(a, seen, 0, 4);
        assertEquals(stamps[0], seen[0], "a migration there and back carries the stamp");
        assertTrue(seen[2] < 0, "a page written with bytes matches no stamp: " + seen[2]);
        byte[] expanded = accelmm.api.mm.Stamps.page(stamps[2]);
        expanded[5] = 9;
        assertArrayEquals(expanded, cpuRead(as, a + 2 * PAGE, PAGE), "a byte write lands on the expansion");
        long[] childSeen = new long[3];
        child.mm().readStamps(a, childSeen, 0, 3);
        assertArrayEquals(stamps, childSeen, "the child keeps its stamps, from device memory too");
        assertErrno(Errno.EINVAL, () -> as.writeStamps(a + 1, stamps, 0, 1));
        assertErrno(Errno.EINVAL, () -> as.writeStamps(a, new long[] {-5}, 0, 1));
        assertThrows(accelmm.api.mm.SegvException.class, () -> as.readStamps(a, new long[5], 0, 5));
        n.remove();
        child.exit();
    }

    @Test
    void onlyPrivateAnonymousUnpinnedPagesAreCollected() {
        long shared = as.mmap(0, 2 * PAGE, RW, MapFlags.SHARED | MapFlags.ANONYMOUS);
        as.write(shared, new byte[] {1}, 0, 1);
        assertEquals(0, dev.migrateToDevice(as, shared, shared + 2 * PAGE));
        long a = as.mmap(0, 2 * PAGE, RW, ANON);
        as.write(a, pattern(2 * PAGE, 1), 0, 2 * PAGE);
        PinnedPages pin = as.pinUserPages(a, 1, GupFlags.WRITE);
        assertEquals(1, dev.migrateToDevice(as, a, a + 2 * PAGE), "the pinned page stays");
        assertArrayEquals(pattern(2 * PAGE, 1), cpuRead(as, a, 2 * PAGE));
        pin.unpin();
        long other = as.mmap(0, PAGE, RW, ANON);
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> as.migrateVma(new MigrateVma(other, other + 2 * PAGE, MigrateVma.SELECT_SYSTEM, dev), x -> { })).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> new MigrateVma(0, PAGE, 0, dev)).errno());
    }

    @Test
    void munmapFreesDevicePagesAndTellsTheDriver() {
        long a = as.mmap(0, 2 * PAGE, RW, ANON);
        as.write(a, pattern(2 * PAGE, 2), 0, 2 * PAGE);
        dev.migrateToDevice(as, a, a + 2 * PAGE);
        assertEquals(Errno.EBUSY, assertThrows(ErrnoException.class, () -> dev.pagemap.unregister()).errno());
        as.munmap(a, 2 * PAGE);
        assertEquals(0, dev.vram.info().used());
        assertEquals(2, dev.freed);
        assertEquals(Errno.EBUSY, assertThrows(ErrnoException.class, () -> mm.removeDeviceMemory(dev.vram)).errno());
        dev.pagemap.unregister();
        mm.removeDeviceMemory(dev.vram);
    }

    @Test
    void forkSharesDevicePagesAndEachSideMigratesBackItsOwnCopy() {
        long a = as.mmap(0, PAGE, RW, ANON);
        as.write(a, pattern(PAGE, 5), 0, PAGE);
        dev.migrateToDevice(as, a, a + PAGE);
        MmProcess child = proc.fork("child");
        assertArrayEquals(pattern(PAGE, 5), cpuRead(child.mm(), a, PAGE));
        assertEquals(PAGE, dev.vram.info().used(), "the parent still maps the device page");
        child.mm().write(a, new byte[] {9}, 0, 1);
        assertArrayEquals(pattern(PAGE, 5), cpuRead(as, a, PAGE));
        assertEquals(0, dev.vram.info().used());
        assertEquals(9, cpuRead(child.mm(), a, 1)[0]);
    }

    @Test
    void anotherMirrorFaultingTheRangeMigratesItBackToSystemMemory() {
        long a = as.mmap(0, 2 * PAGE, RW, ANON);
        as.write(a, pattern(2 * PAGE, 7), 0, 2 * PAGE);
        dev.migrateToDevice(as, a, a + 2 * PAGE);
        IntervalNotifier n = as.insertNotifier(a, 2 * PAGE, (s, r, cur) -> {
            s.setSeq(cur);
            return true;
        });
        HmmRange peek = new HmmRange(n, a, a + 2 * PAGE);
        peek.notifierSeq = n.readBegin();
        as.hmmRangeFault(peek);
        assertArrayEquals(new long[] {0, 0}, peek.pfns, "another owner's device pages are not present");
        HmmRange r = new HmmRange(n, a, a + 2 * PAGE);
        r.defaultFlags = HmmPfn.REQ_FAULT;
        HmmRetry.fault(as, r);
        for (long e : r.pfns) {
            assertEquals(0, HmmPfn.node(e), "faulted back to host RAM");
            assertFalse(HmmPfn.devicePrivate(e));
        }
        assertEquals(0, dev.vram.info().used());
        assertArrayEquals(pattern(2 * PAGE, 7), cpuRead(as, a, 2 * PAGE));
        n.remove();
    }

    @Test
    void evictionMovesEveryMappingOfADevicePageToOneSharedHostCopy() {
        long a = as.mmap(0, 3 * PAGE, RW, ANON);
        as.write(a, pattern(3 * PAGE, 4), 0, 3 * PAGE);
        dev.migrateToDevice(as, a, a + 3 * PAGE);
        MmProcess child = proc.fork("child");
        long moved = as.mremap(a + 2 * PAGE, PAGE, PAGE, 1 | 2, 0x7e0000000000L);
        assertEquals(3, dev.pagemap.evict(0, 1 << 20), "the device memory is under pressure: everything goes");
        assertEquals(0, dev.vram.info().used());
        assertEquals(3L * PAGE, mm.nodes().get(0).used(), "one host copy per page, shared by parent and child");
        assertArrayEquals(java.util.Arrays.copyOf(pattern(3 * PAGE, 4), 2 * PAGE), cpuRead(as, a, 2 * PAGE));
        assertArrayEquals(java.util.Arrays.copyOfRange(pattern(3 * PAGE, 4), 2 * PAGE, 3 * PAGE), cpuRead(as, moved, PAGE));
        assertArrayEquals(pattern(3 * PAGE, 4), cpuRead(child.mm(), a, 3 * PAGE));
        assertEquals(0L, (long) mm.counters().get("fault.device_private"), "no CPU fault was needed");
        child.mm().write(a, new byte[] {1}, 0, 1);
        assertEquals(pattern(1, 4)[0], cpuRead(as, a, 1)[0], "the shared copy is copy-on-write");
        assertEquals(0, dev.pagemap.evict(0, 1 << 20));
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> dev.pagemap.evict(-1, 1)).errno());
    }

    @Test
    void exclusiveAccessLetsTheDeviceUpdateAPageUntilTheCpuTakesItBack() {
        long a = as.mmap(0, 2 * PAGE, RW, ANON);
        as.write(a, new byte[] {40}, 0, 1);
        java.util.List<accelmm.api.notifier.NotifierRange> seen = new java.util.ArrayList<>();
        IntervalNotifier n = as.insertNotifier(a, 2 * PAGE, (s2, r, cur) -> {
            s2.setSeq(cur);
            seen.add(r);
            return true;
        });
        long[] pfns = as.makeDeviceExclusive(a, a + 2 * PAGE, dev);
        assertEquals(accelmm.api.notifier.NotifierEvent.EXCLUSIVE, seen.get(0).event());
        assertEquals(dev, seen.get(0).owner());
        byte[] cell = new byte[1];
        mm.host().read(pfns[0], 0, cell, 0, 1);
        cell[0]++;
        mm.host().write(pfns[0], 0, cell, 0, 1);
        assertEquals(2, as.maps().get(0).residentPages(), "exclusive entries still hold their pages");
        assertEquals(List.of(), mm.check());
        assertEquals(41, cpuRead(as, a, 1)[0], "the CPU sees the device's atomic update");
        assertEquals(accelmm.api.notifier.NotifierEvent.EXCLUSIVE, seen.get(1).event());
        assertEquals(null, seen.get(1).owner(), "taking the page back revokes the device's exclusivity");
        int before = seen.size();
        cpuRead(as, a, 1);
        assertEquals(before, seen.size(), "the mapping is normal again");
        MmProcess child = proc.fork("child");
        assertEquals(0, cpuRead(child.mm(), a + PAGE, 1)[0], "fork takes exclusive pages back before copying");
        long ro = as.mmap(0, PAGE, Prot.READ, ANON);
        assertEquals(Errno.EFAULT, assertThrows(ErrnoException.class, () -> as.makeDeviceExclusive(ro, ro + PAGE, dev)).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> as.makeDeviceExclusive(a + 1, a + PAGE, dev)).errno());
        n.remove();
    }

    @Test
    void aDeviceWriteAfterForkNeverReachesTheChild() {
        long a = as.mmap(0, PAGE, RW, ANON);
        as.write(a, new byte[] {0}, 0, 1);
        IntervalNotifier n = dev.watch(as, a, PAGE);
        for (int k = 1; k <= 30; k++) {
            dev.write(as, n, a, (byte) k);
            MmProcess child = proc.fork("child" + k);
            dev.write(as, n, a, (byte) (100 + k));
            assertEquals(k, cpuRead(child.mm(), a, 1)[0], "round " + k + ": the child saw a device write made after fork");
            assertEquals((byte) (100 + k), cpuRead(as, a, 1)[0]);
            child.exit();
        }
        n.remove();
    }

    @Test
    void aDeviceWriteAfterMprotectReadOnlyFailsCleanly() {
        long a = as.mmap(0, PAGE, RW, ANON);
        IntervalNotifier n = dev.watch(as, a, PAGE);
        for (int k = 1; k <= 20; k++) {
            as.mprotect(a, PAGE, RW);
            dev.write(as, n, a, (byte) k);
            as.mprotect(a, PAGE, Prot.READ);
            int round = k;
            ErrnoException refused = assertThrows(ErrnoException.class, () -> dev.write(as, n, a, (byte) 99),
                    "round " + round + ": the device wrote through a stale writable mapping");
            assertEquals(Errno.EPERM, refused.errno());
            assertEquals(k, cpuRead(as, a, 1)[0]);
        }
        n.remove();
    }

    /**
     * A device thread writes through its mirror without pause while the CPU thread write-protects
     * the page and forks: while the page is read-only its contents never change, and every child
     * keeps the value it saw at fork time, whatever the device did afterwards.
     */
    @Test
    void deviceWritesRacingMprotectAndForkNeverLandStale() throws Exception {
        long a = as.mmap(0, PAGE, RW, ANON);
        as.write(a, new byte[] {0}, 0, 1);
        IntervalNotifier n = dev.watch(as, a, PAGE);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong landed = new java.util.concurrent.atomic.AtomicLong();
        Thread device = new Thread(() -> {
            byte v = 1;
            while (!stop.get()) {
                try {
                    dev.write(as, n, a, v++);
                    landed.incrementAndGet();
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EPERM) {
                        failure.set(e);
                        return;
                    }
                } catch (Throwable t) {
                    failure.set(t);
                    return;
                }
            }
        });
        device.start();
        List<MmProcess> children = new java.util.ArrayList<>();
        List<Byte> seen = new java.util.ArrayList<>();
        try {
            for (int round = 0; round < 200 && failure.get() == null; round++) {
                as.mprotect(a, PAGE, Prot.READ);
                byte before = cpuRead(as, a, 1)[0];
                Thread.onSpinWait();
                MmProcess child = proc.fork("c" + round);
                children.add(child);
                seen.add(before);
                byte after = cpuRead(as, a, 1)[0];
                assertEquals(before, after, "round " + round + ": a read-only page changed");
                as.mprotect(a, PAGE, RW);
                if (round % 20 == 19) {
                    for (int i = 0; i < children.size(); i++) {
                        assertEquals(seen.get(i), cpuRead(children.get(i).mm(), a, 1)[0], "child " + i + " saw a later device write");
                        children.get(i).exit();
                    }
                    children.clear();
                    seen.clear();
                }
            }
        } finally {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (landed.get() == 0 && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            stop.set(true);
            device.join(10_000);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        for (int i = 0; i < children.size(); i++) {
            assertEquals(seen.get(i), cpuRead(children.get(i).mm(), a, 1)[0]);
            children.get(i).exit();
        }
        assertTrue(landed.get() > 0, "the device never got a write in, even with the page writable for 10 s");
        n.remove();
    }

    @Test
    void exitReleasesDevicePages() {
        MmProcess p = mm.spawn("short");
        long a = p.mm().mmap(0, 3 * PAGE, RW, ANON);
        p.mm().write(a, pattern(3 * PAGE, 1), 0, 3 * PAGE);
        dev.migrateToDevice(p.mm(), a, a + 3 * PAGE);
        p.exit();
        assertEquals(0, dev.vram.info().used());
        assertEquals(3, dev.freed, "each device page is handed back to the driver once");
    }
}
