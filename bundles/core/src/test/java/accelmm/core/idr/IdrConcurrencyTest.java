package accelmm.core.idr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import accelmm.api.idr.IdrEntry;
import accelmm.core.diag.CoreDiagnostics;

/** Lock-free readers against a serialized writer. */
class IdrConcurrencyTest {
    private static final int STABLE = 2_000;
    private static final int CHURN_OPS = 400_000;

    /** A value that knows its own id, so a reader can tell a misplaced or stale entry. */
    static final class Obj {
        long id;
        boolean built;
    }

    @Test
    void readersIteratingWhileAWriterAllocatesAndRemovesAlwaysSeeAConsistentIdr() throws Exception {
        CoreDiagnostics diag = CoreDiagnostics.create();
        IdrImpl<Obj> idr = new IdrImpl<>(1, null, diag.warnings());
        // Ids 1..STABLE*2 step 2 stay present throughout; everything else churns.
        List<Integer> stable = new ArrayList<>();
        for (int i = 1; i <= 2 * STABLE; i++) {
            Obj o = new Obj();
            o.id = idr.alloc(null, 1, 0);
            o.built = true;
            idr.replace(o, o.id);
            if (i % 2 == 1) {
                stable.add((int) o.id);
            }
        }
        for (int i = 2; i <= 2 * STABLE; i += 2) {
            idr.remove(i);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(7);
            List<Long> mine = new ArrayList<>();
            for (int op = 0; op < CHURN_OPS && failure.get() == null; op++) {
                if (mine.isEmpty() || rnd.nextInt(100) < 55) {
                    Obj o = new Obj();
                    long id = idr.alloc(null, 1, 0);
                    o.id = id;
                    o.built = true;
                    idr.replace(o, id);
                    mine.add(id);
                } else {
                    long id = mine.remove(rnd.nextInt(mine.size()));
                    idr.remove(id);
                }
            }
            stop.set(true);
        });
        Runnable reader = () -> {
            int walks = 0;
            while ((!stop.get() || walks < 3) && failure.get() == null) {
                walks++;
                int[] stableSeen = new int[1];
                long[] last = {0};
                idr.forEach((id, o) -> {
                    if (id <= last[0] || o.id != id || !o.built) {
                        failure.compareAndSet(null, "forEach saw id " + id + " after " + last[0] + " holding " + o.id);
                        return 1;
                    }
                    last[0] = id;
                    if (id <= 2 * STABLE && id % 2 == 1) {
                        stableSeen[0]++;
                    }
                    return 0;
                });
                if (stableSeen[0] != STABLE) {
                    failure.compareAndSet(null, "forEach saw " + stableSeen[0] + " of " + STABLE + " stable ids");
                }
                int viaNext = 0;
                for (IdrEntry<Obj> e = idr.getNext(0); e != null; e = idr.getNext(e.id() + 1)) {
                    if (e.value().id != e.id() || !e.value().built) {
                        failure.compareAndSet(null, "getNext saw a foreign or unbuilt object at " + e.id());
                    }
                    if (e.id() <= 2 * STABLE && e.id() % 2 == 1) {
                        viaNext++;
                    }
                }
                if (viaNext != STABLE) {
                    failure.compareAndSet(null, "getNext saw " + viaNext + " of " + STABLE + " stable ids");
                }
                for (int id : stable) {
                    Obj o = idr.find(id);
                    if (o == null || o.id != id) {
                        failure.compareAndSet(null, "find lost stable id " + id);
                    }
                }
            }
        };
        Thread r1 = new Thread(reader);
        Thread r2 = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(11);
            while (!stop.get() && failure.get() == null) {
                long id = 1 + rnd.nextInt(200_000);
                Obj o = idr.find(id);
                if (o != null && (o.id != id || !o.built)) {
                    failure.compareAndSet(null, "find(" + id + ") returned object of " + o.id);
                }
            }
        });
        writer.start();
        r1.start();
        r2.start();
        writer.join();
        r1.join();
        r2.join();
        assertNull(failure.get());
        assertNull(idr.checkInvariants());
        assertTrue(idr.count() >= STABLE);
        assertEquals(0, diag.warnings().count());
    }
}
