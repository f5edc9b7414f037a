package accelmm.core.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** Thousands of random operations against the page model, with the invariant check after each. */
class AddressSpaceDifferentialTest {
    @Test
    void randomOperationsMatchThePageModel() {
        Map<String, Integer> seen = new TreeMap<>();
        for (long seed = 1; seed <= 3; seed++) {
            ModelHarness h = new ModelHarness(seed, seed % 2 == 0);
            for (int i = 0; i < 1500; i++) {
                String op = h.step();
                seen.merge(op, 1, Integer::sum);
                h.check(op + " (seed " + seed + ", step " + i + ")");
                if (i % 250 == 0) {
                    h.verifyAll();
                }
            }
            h.verifyAll();
            h.finish();
        }
        for (String op : new String[] {"mmap", "munmap", "mprotect", "mremap", "fork", "exit", "write", "read", "segv", "pin", "unpin"}) {
            assertTrue(seen.getOrDefault(op, 0) > 0, "never ran " + op + ": " + seen);
        }
    }

    @Test
    void failingEachPageAllocationOnceLeaksNothingAndChangesNothing() {
        ModelHarness dry = new ModelHarness(99, true);
        for (int i = 0; i < 300; i++) {
            dry.step();
        }
        long calls = dry.diag.faults().site(MemoryManagerImpl.PAGE_ALLOC_SITE).calls();
        dry.finish();
        assertEquals(0, calls, "an unarmed site counts no calls");
        int failures = 0;
        for (int k = 1; k <= 60; k++) {
            ModelHarness h = new ModelHarness(99, true);
            h.mm.failArm(MemoryManagerImpl.PAGE_ALLOC_SITE, 100, k, 1, 0);
            for (int i = 0; i < 300; i++) {
                String op = h.step();
                h.check(op + " with allocation " + k + " failing");
            }
            h.verifyAll();
            failures += h.enomem;
            h.finish();
        }
        assertTrue(failures >= 50, "the sweep injected only " + failures + " failures");
    }
}
