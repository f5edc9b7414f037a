package accelmm.api.lockdep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class LockdepTest {
    private static boolean wasEnabled;

    @BeforeAll
    static void on() {
        wasEnabled = Lockdep.enabled();
        Lockdep.setEnabled(true);
    }

    @AfterAll
    static void restore() {
        Lockdep.setEnabled(wasEnabled);
    }

    /** A fresh class for each test, since the orders are global. */
    private static LockClass cls(TestInfo info, String name) {
        return LockClass.of(info.getDisplayName() + "." + name);
    }

    private static List<String> newReports(long before) {
        List<String> all = Lockdep.reports();
        return all.subList(all.size() - (int) (Lockdep.reportCount() - before), all.size());
    }

    @Test
    void anInversionIsReportedOnceWithBothStacks(TestInfo info) throws Exception {
        TrackedLock a = new TrackedLock(cls(info, "a"));
        TrackedLock b = new TrackedLock(cls(info, "b"));
        long before = Lockdep.reportCount();
        a.lock();
        b.lock();
        b.unlock();
        a.unlock();
        assertEquals(before, Lockdep.reportCount(), "one order alone is fine");
        Thread other = new Thread(() -> {
            b.lock();
            a.lock();
            a.unlock();
            b.unlock();
        }, "inverter");
        other.start();
        other.join(10_000);
        assertFalse(other.isAlive());
        List<String> r = newReports(before);
        assertEquals(1, r.size());
        assertTrue(r.get(0).contains("possible circular locking dependency"), r.get(0));
        assertTrue(r.get(0).contains("inverter takes " + a.lockClass().name() + " while it holds " + b.lockClass().name()), r.get(0));
        assertTrue(r.get(0).contains("anInversionIsReportedOnceWithBothStacks"), "the first order's stack: " + r.get(0));
        assertTrue(r.get(0).contains("lambda$anInversion"), "this acquisition's stack: " + r.get(0));
        b.lock();
        a.lock();
        a.unlock();
        b.unlock();
        assertEquals(before + 1, Lockdep.reportCount(), "reported once");
    }

    @Test
    void aCycleThroughAThirdClassIsFound(TestInfo info) {
        TrackedLock a = new TrackedLock(cls(info, "a"));
        TrackedLock b = new TrackedLock(cls(info, "b"));
        TrackedLock c = new TrackedLock(cls(info, "c"));
        long before = Lockdep.reportCount();
        a.lock();
        b.lock();
        b.unlock();
        a.unlock();
        b.lock();
        c.lock();
        c.unlock();
        b.unlock();
        assertEquals(before, Lockdep.reportCount());
        c.lock();
        a.lock();
        a.unlock();
        c.unlock();
        List<String> r = newReports(before);
        assertEquals(1, r.size());
        String name = info.getDisplayName();
        assertTrue(r.get(0).contains(name + ".a -> " + name + ".b") && r.get(0).contains(name + ".b -> " + name + ".c"), r.get(0));
    }

    @Test
    void reentrancyTrylockAndNestingAddNoReport(TestInfo info) {
        LockClass k = cls(info, "k");
        TrackedLock a = new TrackedLock(cls(info, "a"));
        TrackedLock b = new TrackedLock(cls(info, "b"));
        TrackedRwLock outer = new TrackedRwLock(k);
        TrackedRwLock inner = new TrackedRwLock(k);
        long before = Lockdep.reportCount();
        a.lock();
        a.lock();
        b.lock();
        a.unlock();
        a.unlock();
        assertTrue(b.tryLock(), "reentrant");
        b.unlock();
        b.unlock();
        b.lock();
        assertTrue(a.tryLock(), "a trylock adds no order");
        a.unlock();
        b.unlock();
        outer.writeLock();
        inner.writeLockNested(1);
        inner.writeUnlock();
        outer.writeUnlock();
        outer.writeLock();
        outer.readLock();
        outer.readUnlock();
        outer.writeUnlock();
        assertEquals(before, Lockdep.reportCount(), Lockdep.reports().toString());
        assertEquals("no locks", Lockdep.heldByCurrentThread());
    }

    @Test
    void aSecondLockOfOneClassAndAReadUpgradeAreReported(TestInfo info) {
        LockClass k = cls(info, "k");
        TrackedLock one = new TrackedLock(k);
        TrackedLock two = new TrackedLock(k);
        TrackedRwLock rw = new TrackedRwLock(cls(info, "rw"));
        long before = Lockdep.reportCount();
        one.lock();
        two.lock();
        two.unlock();
        one.unlock();
        List<String> r = newReports(before);
        assertEquals(1, r.size());
        assertTrue(r.get(0).contains("possible recursive locking"), r.get(0));
        rw.readLock();
        assertTrue(Lockdep.held(rw));
        Lockdep.acquire(rw, rw.lockClass(), 0, false, false);
        Lockdep.release(rw);
        rw.readUnlock();
        r = newReports(before);
        assertEquals(2, r.size());
        assertTrue(r.get(1).contains("read lock upgraded"), r.get(1));
    }

    @Test
    void waitingForAClassWhileHoldingWhatItsHoldersTakeIsReported(TestInfo info) {
        LockClass callbacks = cls(info, "callbacks");
        TrackedLock device = new TrackedLock(cls(info, "device"));
        long before = Lockdep.reportCount();
        Lockdep.acquire(callbacks, callbacks, 0, false, false);
        device.lock();
        device.unlock();
        Lockdep.release(callbacks);
        Lockdep.waitFor(callbacks);
        assertEquals(before, Lockdep.reportCount());
        device.lock();
        Lockdep.waitFor(callbacks);
        device.unlock();
        List<String> r = newReports(before);
        assertEquals(1, r.size());
        assertTrue(r.get(0).contains("takes " + callbacks.name() + " while it holds " + device.lockClass().name()), r.get(0));
    }

    @Test
    void offMeansNothingIsRecorded(TestInfo info) {
        TrackedLock a = new TrackedLock(cls(info, "a"));
        TrackedLock b = new TrackedLock(cls(info, "b"));
        long before = Lockdep.reportCount();
        int orders = Lockdep.orders();
        Lockdep.setEnabled(false);
        try {
            a.lock();
            b.lock();
            b.unlock();
            a.unlock();
            b.lock();
            a.lock();
            a.unlock();
            b.unlock();
        } finally {
            Lockdep.setEnabled(true);
        }
        assertEquals(before, Lockdep.reportCount());
        assertEquals(orders, Lockdep.orders());
    }
}
