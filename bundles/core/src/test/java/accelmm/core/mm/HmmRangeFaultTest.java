package accelmm.core.mm;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.notifier.IntervalNotifier;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;

class HmmRangeFaultTest {
    static final int PAGE = 4096;
    static final int RW = Prot.READ | Prot.WRITE;
    static final int ANON = MapFlags.PRIVATE | MapFlags.ANONYMOUS;

    final CoreDiagnostics diag = CoreDiagnostics.create();
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 32L << 20, false);
    final MmProcess proc = mm.spawn("hmm");
    final AddressSpace as = proc.mm();

    @AfterEach
    void invariantsHold() {
        assertEquals(List.of(), mm.check());
    }



    IntervalNotifier notifier(long start, long len) {
        return as.insertNotifier(start, len, (sub, range, cur) -> {
            sub.setSeq(cur);
            return true;
        });
    }

    HmmRange range(IntervalNotifier n, long start, long end, long flags) {
        HmmRange r = new HmmRange(n, start, end);
        r.defaultFlags = flags;
        r.notifierSeq = n.readBegin();
        return r;
    }

    @Test
    void readRequestsMapTheZeroPageAndWriteRequestsRealFrames() {
        long a = as.mmap(0x40000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        IntervalNotifier n = notifier(a, 2 * PAGE);
        HmmRange r = range(n, a, a + 2 * PAGE, HmmPfn.REQ_FAULT);
        as.hmmRangeFault(r);
        assertEquals(HmmPfn.VALID | HmmPfn.ZERO_PAGE_PFN, r.pfns[0]);
        assertFalse(HmmPfn.writable(r.pfns[0]));
        assertTrue(HmmPfn.zeroPage(r.pfns[0]));
        assertFalse(HmmPfn.devicePrivate(r.pfns[0]));
        byte[] zeros = {9, 9, 9};
        mm.physRead(HmmPfn.physAddr(r.pfns[0]) + 100, zeros, 0, 3);
        assertArrayEquals(new byte[3], zeros, "the zero page reads as zeros by its physical address");
        assertEquals(0, mm.physReadStamp(HmmPfn.physAddr(r.pfns[0])));
        assertErrno(Errno.EFAULT, () -> mm.physWrite(HmmPfn.physAddr(r.pfns[0]), new byte[1], 0, 1), "and is read-only");
        assertErrno(Errno.EINVAL, () -> mm.physRead(HmmPfn.physAddr(r.pfns[0]), zeros, 2, 3), "a bad buffer is still EINVAL");
        HmmRange w = range(n, a, a + 2 * PAGE, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE);
        assertErrno(Errno.EBUSY, () -> as.hmmRangeFault(w), "replacing the zero page invalidates the range (CLEAR)");
        HmmRetry.fault(as, w);
        assertTrue(HmmPfn.writable(w.pfns[1]));
        as.write(a + PAGE, new byte[] {7, 7}, 0, 2);
        byte[] viaPfn = new byte[2];
        mm.host().read(HmmPfn.pfn(w.pfns[1]), 0, viaPfn, 0, 2);
        assertArrayEquals(new byte[] {7, 7}, viaPfn, "the reported frame is the one the CPU writes");
        n.remove();
    }

    @Test
    void aTransparentHugePageIsReportedWithMapOrderNineUntilItIsSplit() {
        MemoryManagerImpl thpMm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 32L << 20, true);
        MmProcess p = thpMm.spawn("thp");
        try {
            AddressSpace t = p.mm();
            long a = t.mmap(0x40000000L, 4L << 20, RW, ANON | MapFlags.FIXED);
            IntervalNotifier n = t.insertNotifier(a, 4L << 20, (sub, range, cur) -> {
                sub.setSeq(cur);
                return true;
            });
            t.write(a, new byte[] {1}, 0, 1);
            HmmRange r = new HmmRange(n, a, a + (4L << 20));
            r.defaultFlags = 0;
            r.notifierSeq = n.readBegin();
            t.hmmRangeFault(r);
            for (int i = 0; i < 512; i++) {
                assertEquals(9, HmmPfn.order(r.pfns[i]), "page " + i + " of the huge page");
                assertTrue(HmmPfn.writable(r.pfns[i]));
            }
            assertEquals(0, r.pfns[512], "the second 2 MiB is not present");
            t.mprotect(a + PAGE, PAGE, Prot.READ);
            HmmRange split = new HmmRange(n, a, a + (2L << 20));
            split.defaultFlags = 0;
            HmmRetry.fault(t, split);
            assertEquals(0, HmmPfn.order(split.pfns[0]), "a VMA split inside the huge page maps it by pages");
            assertEquals(0, HmmPfn.order(split.pfns[511]));
            t.mprotect(a + PAGE, PAGE, RW);
            HmmRange back = new HmmRange(n, a, a + (2L << 20));
            back.defaultFlags = 0;
            HmmRetry.fault(t, back);
            assertEquals(0, HmmPfn.order(back.pfns[0]), "the split stays when the permissions come back");
            t.munmap(a + 2 * PAGE, PAGE);
            HmmRange holed = new HmmRange(n, a, a + (2L << 20));
            holed.defaultFlags = 0;
            HmmRetry.fault(t, holed);
            assertEquals(0, HmmPfn.order(holed.pfns[0]), "a freed page splits the huge page for good");
            assertEquals(HmmPfn.ERROR, holed.pfns[2], "the hole has no mapping");
            t.mmap(a + 2 * PAGE, PAGE, RW, ANON | MapFlags.FIXED);
            t.write(a + 2 * PAGE, new byte[] {2}, 0, 1);
            HmmRange again = new HmmRange(n, a, a + (2L << 20));
            again.defaultFlags = 0;
            HmmRetry.fault(t, again);
            assertEquals(0, HmmPfn.order(again.pfns[0]), "a page faulted into the hole does not make it huge again");
            n.remove();
        } finally {
            p.exit();
        }
        assertEquals(List.of(), thpMm.check());
    }

    @Test
    void pagesWithoutARequestAreReportedAsTheyAre() {
        long a = as.mmap(0x41000000L, 2 * PAGE, Prot.READ, ANON | MapFlags.FIXED);
        IntervalNotifier n = notifier(0x41000000L - PAGE, 4 * PAGE);
        HmmRange r = range(n, a - PAGE, a + 3 * PAGE, 0);
        java.util.Arrays.fill(r.pfns, -1L);
        as.hmmRangeFault(r);
        assertArrayEquals(new long[] {HmmPfn.ERROR, 0, 0, HmmPfn.ERROR}, r.pfns,
                "garbage input is ignored without a mask; holes outside mappings are errors");
        assertEquals(0, mm.nodes().get(0).used());
        HmmRange masked = range(n, a, a + 2 * PAGE, 0);
        masked.pfnFlagsMask = HmmPfn.REQ_FAULT;
        masked.pfns[1] = HmmPfn.REQ_FAULT;
        as.hmmRangeFault(masked);
        assertEquals(0, masked.pfns[0]);
        assertTrue(HmmPfn.valid(masked.pfns[1]), "a per-page request counts through the mask");
        n.remove();
    }

    @Test
    void requestsTheMappingForbidsAreEfaultOrEperm() {
        long a = as.mmap(0x42000000L, PAGE, Prot.READ, ANON | MapFlags.FIXED);
        long none = as.mmap(0x42001000L, PAGE, Prot.NONE, ANON | MapFlags.FIXED);
        IntervalNotifier n = notifier(a, 3 * PAGE);
        assertErrno(Errno.EPERM, () -> as.hmmRangeFault(range(n, a, a + PAGE, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE)));
        assertErrno(Errno.EFAULT, () -> as.hmmRangeFault(range(n, none, none + PAGE, HmmPfn.REQ_FAULT)));
        assertErrno(Errno.EFAULT, () -> as.hmmRangeFault(range(n, a + 2 * PAGE, a + 3 * PAGE, HmmPfn.REQ_FAULT)));
        MmProcess other = mm.spawn("other");
        assertErrno(Errno.EINVAL, () -> other.mm().hmmRangeFault(range(n, a, a + PAGE, 0)));
        assertErrno(Errno.EINVAL, () -> as.hmmRangeFault(range(n, a, a + 4 * PAGE, 0)));
        assertErrno(Errno.EINVAL, () -> new HmmRange(n, a + 1, a + PAGE));
        other.exit();
        n.remove();
    }

    @Test
    void aStaleSequenceIsEbusyAndTheRetryHelperRecovers() {
        long a = as.mmap(0x43000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        as.write(a, new byte[] {1}, 0, 1);
        IntervalNotifier n = notifier(a, 2 * PAGE);
        HmmRange r = range(n, a, a + 2 * PAGE, HmmPfn.REQ_FAULT);
        as.mprotect(a + PAGE, PAGE, Prot.READ);
        assertErrno(Errno.EBUSY, () -> as.hmmRangeFault(r));
        MmProcess child = proc.fork("child");
        HmmRange cow = range(n, a, a + PAGE, HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE);
        assertErrno(Errno.EBUSY, () -> as.hmmRangeFault(cow));
        HmmRetry.fault(as, cow);
        assertTrue(HmmPfn.writable(cow.pfns[0]));
        assertFalse(n.readRetry(cow.notifierSeq));
        child.exit();
        n.remove();
    }

    @Test
    void theRetryHelperGivesUpWithEbusyAfterOneSecond() {
        IntervalNotifier n = notifier(0x44000000L, PAGE);
        AddressSpace busy = (AddressSpace) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AddressSpace.class}, (p, m, args) -> {
                    throw Errno.EBUSY.exception("always invalidated");
                });
        long t0 = System.nanoTime();
        assertErrno(Errno.EBUSY, () -> HmmRetry.fault(busy, new HmmRange(n, 0x44000000L, 0x44001000L)));
        assertTrue(System.nanoTime() - t0 >= HmmRetry.TIMEOUT_MS * 1_000_000);
        n.remove();
    }

    /**
     * A mirror that faults and commits in a loop while the range is unmapped must never end up
     * with an entry for the unmapped range: the retry protocol refuses every stale snapshot.
     */
    @Test
    void aMirrorNeverKeepsAStaleEntryWhenTheRangeIsUnmappedUnderIt() throws Exception {
        for (int round = 0; round < 60; round++) {
            long a = as.mmap(0, 8 * PAGE, RW, ANON);
            Map<Long, Long> mirror = new HashMap<>();
            Object mirrorLock = new Object();
            IntervalNotifier n = as.insertNotifier(a, 8 * PAGE, (sub, range, cur) -> {
                synchronized (mirrorLock) {
                    sub.setSeq(cur);
                    mirror.keySet().removeIf(addr -> addr >= range.start() && addr < range.end());
                }
                return true;
            });
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread device = new Thread(() -> {
                try {
                    while (true) {
                        HmmRange r = new HmmRange(n, a, a + 8 * PAGE);
                        r.defaultFlags = HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE;
                        try {
                            HmmRetry.fault(as, r);
                        } catch (ErrnoException e) {
                            if (e.errno() == Errno.EFAULT) {
                                return;
                            }
                            throw e;
                        }
                        synchronized (mirrorLock) {
                            if (n.readRetry(r.notifierSeq)) {
                                continue;
                            }
                            for (int i = 0; i < r.pages(); i++) {
                                mirror.put(a + (long) i * PAGE, HmmPfn.pfn(r.pfns[i]));
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            device.start();
            Thread.sleep(round % 3);
            as.munmap(a, 8 * PAGE);
            device.join(10_000);
            assertFalse(device.isAlive());
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            synchronized (mirrorLock) {
                assertEquals(Map.of(), mirror, "round " + round + ": a stale device mapping survived munmap");
            }
            n.remove();
        }
    }
}
