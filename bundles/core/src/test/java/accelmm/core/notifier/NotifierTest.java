package accelmm.core.notifier;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.notifier.IntervalNotifier;
import accelmm.api.notifier.IntervalNotifierOps;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;
import accelmm.core.mm.MemoryManagerImpl;

class NotifierTest {
    static final int PAGE = 4096;
    static final int RW = Prot.READ | Prot.WRITE;
    static final int ANON = MapFlags.PRIVATE | MapFlags.ANONYMOUS;

    final CoreDiagnostics diag = CoreDiagnostics.create();
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 16L << 20, false);
    final MmProcess proc = mm.spawn("mirror");
    final AddressSpace as = proc.mm();

    /** A well-behaved mirror: records every invalidation and sets the sequence. */
    static final class Recorder implements IntervalNotifierOps {
        final List<NotifierRange> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public boolean invalidate(IntervalNotifier sub, NotifierRange range, long curSeq) {
            synchronized (this) {
                sub.setSeq(curSeq);
                seen.add(range);
            }
            return true;
        }

        List<NotifierEvent> events() {
            return seen.stream().map(NotifierRange::event).toList();
        }
    }

    /** A callback that signals {@code inside} and then holds the invalidation until {@code release}. */
    static IntervalNotifierOps blocking(CountDownLatch inside, CountDownLatch release) {
        return (s, range, cur) -> {
            s.setSeq(cur);
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        };
    }


    @Test
    void emptyOrWrappingIntervalsAreEoverflow() {
        assertErrno(Errno.EOVERFLOW, () -> as.insertNotifier(0x1000, 0, new Recorder()));
        assertErrno(Errno.EOVERFLOW, () -> as.insertNotifier(-PAGE, 2 * PAGE, new Recorder()));
        assertErrno(Errno.EOVERFLOW, () -> as.insertNotifier(2, -1L, new Recorder()));
        assertErrno(Errno.EINVAL, () -> as.insertNotifier(0x1000, PAGE, null));
        // Unsigned as the kernel's check_add_overflow: these do not wrap past 2^64.
        as.insertNotifier(Long.MAX_VALUE, 2, new Recorder()).remove();
        as.insertNotifier(1, -1L, new Recorder()).remove();
    }

    @Test
    void aNotifierOverTheWholeUserRangeSeesEveryChange() {
        long length = -1L & ~(PAGE - 1);
        Recorder r = new Recorder();
        IntervalNotifier all = as.insertNotifier(0, length, r);
        assertEquals(0, all.start());
        assertEquals(0xFFFF_FFFF_FFFF_EFFFL, all.last());
        long a = as.mmap(0, 4 * PAGE, RW, ANON);
        as.write(a, new byte[] {1}, 0, 1);
        as.munmap(a, PAGE);
        as.mprotect(a + PAGE, PAGE, Prot.READ);
        assertEquals(List.of(NotifierEvent.UNMAP, NotifierEvent.PROTECTION_VMA), r.events());
        assertEquals(0xFFFF_FFFF_FFFF_EFFFL, as.notifiers().get(0).last());
        all.remove();
    }

    @Test
    void everyAddressSpaceChangeInvalidatesWithItsEvent() {
        long a = as.mmap(0x40000000L, 4 * PAGE, RW, ANON | MapFlags.FIXED);
        Recorder r = new Recorder();
        IntervalNotifier sub = as.insertNotifier(a, 4 * PAGE, r);
        as.write(a, new byte[] {1}, 0, 1);
        assertEquals(List.of(), r.events(), "a fault that fills a hole invalidates nothing");
        as.mprotect(a, PAGE, Prot.READ);
        MmProcess child = proc.fork("child");
        as.mprotect(a, PAGE, RW);
        as.write(a, new byte[] {2}, 0, 1);
        as.mremap(a + 2 * PAGE, PAGE, PAGE, 1 | 2, 0x50000000L);
        as.munmap(a + PAGE, PAGE);
        as.munmap(0x60000000L, PAGE);
        assertEquals(List.of(NotifierEvent.PROTECTION_VMA, NotifierEvent.PROTECTION_PAGE, NotifierEvent.PROTECTION_VMA,
                NotifierEvent.CLEAR, NotifierEvent.UNMAP, NotifierEvent.UNMAP), r.events());
        assertEquals(new NotifierRange(a + PAGE, a + 2 * PAGE, NotifierEvent.UNMAP, true, null), r.seen.get(5));
        assertEquals(new NotifierRange(a, a + PAGE, NotifierEvent.CLEAR, true, null), r.seen.get(3));
        child.exit();
        proc.exit();
        assertEquals(NotifierEvent.RELEASE, r.events().get(6));
        assertErrno(Errno.EINVAL, () -> as.insertNotifier(a, PAGE, new Recorder()));
        sub.remove();
    }

    @Test
    void aSnapshotTakenBeforeAnInvalidationMustBeRetried() {
        long a = as.mmap(0x41000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        IntervalNotifier sub = as.insertNotifier(a, 2 * PAGE, new Recorder());
        long seq = sub.readBegin();
        assertFalse(sub.readRetry(seq));
        as.munmap(a, PAGE);
        assertTrue(sub.checkRetry(seq));
        assertTrue(sub.readRetry(seq));
        long again = sub.readBegin();
        assertFalse(sub.readRetry(again));
        assertEquals(1, again & 1, "the notifier keeps the odd value of the last invalidation");
        sub.remove();
    }

    @Test
    void readBeginWaitsWhileAnInvalidationCoversTheNotifier() throws Exception {
        long a = as.mmap(0x42000000L, PAGE, RW, ANON | MapFlags.FIXED);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IntervalNotifier sub = as.insertNotifier(a, PAGE, blocking(inside, release));
        Thread unmapper = new Thread(() -> as.munmap(a, PAGE));
        unmapper.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        AtomicLong begun = new AtomicLong(-1);
        Thread reader = new Thread(() -> begun.set(sub.readBegin()));
        reader.start();
        reader.join(300);
        assertTrue(reader.isAlive(), "readBegin returned during the invalidation");
        release.countDown();
        reader.join(10_000);
        unmapper.join(10_000);
        assertFalse(reader.isAlive());
        assertFalse(sub.readRetry(begun.get()));
        sub.remove();
    }

    @Test
    void insertAndRemoveDuringAnInvalidationTakeEffectWhenItEnds() throws Exception {
        long a = as.mmap(0x43000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IntervalNotifier blocker = as.insertNotifier(a, PAGE, blocking(inside, release));
        Recorder late = new Recorder();
        Recorder leaving = new Recorder();
        IntervalNotifier gone = as.insertNotifier(a + PAGE, PAGE, leaving);
        Thread unmapper = new Thread(() -> as.munmap(a, PAGE));
        unmapper.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        IntervalNotifier added = as.insertNotifier(a, 2 * PAGE, late);
        Thread remover = new Thread(gone::remove);
        remover.start();
        remover.join(300);
        assertTrue(remover.isAlive(), "remove returned while the invalidation ran");
        release.countDown();
        unmapper.join(10_000);
        remover.join(10_000);
        assertFalse(remover.isAlive());
        assertEquals(List.of(), late.events(), "the deferred notifier missed the running invalidation");
        as.munmap(a + PAGE, PAGE);
        assertEquals(List.of(NotifierEvent.UNMAP), late.events(), "and sees the next one");
        assertEquals(List.of(), leaving.events(), "a removed notifier is never called again");
        added.remove();
        blocker.remove();
    }

    @Test
    void removingFromInsideACallbackIsRefused() {
        long a = as.mmap(0x44000000L, PAGE, RW, ANON | MapFlags.FIXED);
        List<Throwable> thrown = new ArrayList<>();
        IntervalNotifier[] self = new IntervalNotifier[1];
        self[0] = as.insertNotifier(a, PAGE, (s, range, cur) -> {
            s.setSeq(cur);
            try {
                s.remove();
            } catch (IllegalStateException e) {
                thrown.add(e);
            }
            return true;
        });
        as.munmap(a, PAGE);
        assertEquals(1, thrown.size());
        self[0].remove();
        self[0].remove();
    }

    @Test
    void aCallbackStaysACallbackAfterANestedInvalidation() {
        Subscriptions inner = new Subscriptions();
        IntervalNotifier innerSub = inner.insert(0x1000, PAGE, (s, range, cur) -> {
            s.setSeq(cur);
            return true;
        });
        Subscriptions outer = new Subscriptions();
        List<Throwable> thrown = new ArrayList<>();
        IntervalNotifier outerSub = outer.insert(0x1000, PAGE, (s, range, cur) -> {
            s.setSeq(cur);
            inner.invalidate(new NotifierRange(0, 0x10000, NotifierEvent.CLEAR, true, null));
            try {
                s.remove();
            } catch (IllegalStateException e) {
                thrown.add(e);
            }
            return true;
        });
        outer.invalidate(new NotifierRange(0, 0x10000, NotifierEvent.UNMAP, true, null));
        assertEquals(1, thrown.size(), "the nested invalidation's end did not clear the outer callback state");
        assertEquals(1, outer.list().size());
        assertFalse(innerSub.readRetry(inner.seq() - 1), "the nested invalidation ran its callback");
        outerSub.remove();
        innerSub.remove();
        assertEquals(0, outer.list().size());
    }

    @Test
    void aRefusedNonBlockableInvalidationIsEagain() {
        Subscriptions subs = new Subscriptions();
        IntervalNotifier sub = subs.insert(0x1000, PAGE, (s, range, cur) -> range.blockable());
        assertErrno(Errno.EAGAIN, () -> subs.invalidate(new NotifierRange(0, 0x10000, NotifierEvent.CLEAR, false, null)));
        assertEquals(0, subs.seq() & 1, "the refused invalidation ended");
        sub.remove();
        Subscriptions rude = new Subscriptions();
        rude.insert(0x1000, PAGE, (s, range, cur) -> false);
        assertThrows(IllegalStateException.class,
                () -> rude.invalidate(new NotifierRange(0, 0x10000, NotifierEvent.CLEAR, true, null)),
                "refusing a blockable invalidation is a driver bug");
        assertEquals(0, rude.seq() & 1, "and the invalidation still ended");
    }
}
