package accelmm.core.idr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import accelmm.api.ErrnoException;
import accelmm.api.idr.IdrEntry;
import accelmm.core.diag.CoreDiagnostics;

/** Random operations against a TreeMap model of the IDR rules. */
class IdrDifferentialTest {
    private static final Object NULL = new Object();

    @Test
    void randomOperationsMatchTheModel() {
        for (long seed = 1; seed <= 6; seed++) {
            run(seed, (int) (seed % 3));
        }
    }

    private static void run(long seed, int base) {
        SplittableRandom rnd = new SplittableRandom(seed);
        IdrImpl<String> idr = new IdrImpl<>(base, null, CoreDiagnostics.create().warnings());
        TreeMap<Long, Object> model = new TreeMap<>();
        long span = 1 + rnd.nextInt(5000);
        for (int op = 0; op < 20_000; op++) {
            int kind = rnd.nextInt(10);
            long a = rnd.nextLong(span);
            if (kind < 4) {
                long end = rnd.nextInt(4) == 0 ? 0 : a + 1 + rnd.nextLong(span);
                String v = rnd.nextInt(8) == 0 ? null : "v" + op;
                long expect = lowestFree(model, Math.max(a, base), end <= 0 ? Integer.MAX_VALUE : end - 1);
                try {
                    long got = idr.alloc(v, (int) a, (int) end);
                    assertEquals(expect, got, "seed " + seed + " op " + op);
                    model.put(got, v == null ? NULL : v);
                } catch (ErrnoException e) {
                    assertEquals(-1, expect, "seed " + seed + " op " + op + " " + e.getMessage());
                }
            } else if (kind < 7) {
                Object old = model.remove(a);
                assertEquals(old == NULL ? null : old, idr.remove(a));
            } else if (kind == 7) {
                Object v = model.get(a);
                assertEquals(v == NULL ? null : v, idr.find(a));
            } else if (kind == 8) {
                Map.Entry<Long, Object> e = model.ceilingEntry(a);
                while (e != null && e.getValue() == NULL) {
                    e = model.higherEntry(e.getKey());
                }
                IdrEntry<String> got = idr.getNext(a);
                assertEquals(e == null ? null : new IdrEntry<>(e.getKey(), e.getValue()), got);
            } else {
                String v = "r" + op;
                if (model.containsKey(a)) {
                    Object old = model.put(a, v);
                    assertEquals(old == NULL ? null : old, idr.replace(v, a));
                } else {
                    try {
                        idr.replace(v, a);
                        throw new AssertionError("replace of free id " + a + " succeeded");
                    } catch (ErrnoException expected) {
                        assertEquals(accelmm.api.Errno.ENOENT, expected.errno());
                    }
                }
            }
            assertEquals(model.size(), idr.count());
        }
        assertNull(idr.checkInvariants(), "seed " + seed);
    }

    private static long lowestFree(TreeMap<Long, Object> model, long from, long max) {
        long id = from;
        while (id <= max && model.containsKey(id)) {
            id++;
        }
        return id <= max ? id : -1;
    }
}
