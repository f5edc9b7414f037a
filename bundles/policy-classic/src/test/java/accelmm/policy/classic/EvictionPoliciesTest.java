package accelmm.policy.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import accelmm.api.policy.PolicyParams;
import accelmm.testing.EvictionScript;

/**
 * Each eviction policy over scripted accesses to a memory of three blocks, with the victims
 * worked out by hand from the policy's rule.
 */
class EvictionPoliciesTest {
    private static final PolicyParams NONE = EvictionScript.params();
    /** 4 misses with 1 used twice: the policies disagree on every victim. */
    private static final int[] SCRIPT = {1, 2, 3, 1, 4, 1, 5, 2};

    @Test
    void fifoEvictsInTheOrderBlocksCameIn() {
        // 4 evicts 1 (first in) though 1 was just used; then 2, 3, 4 in arrival order.
        assertEquals(List.of(1, 2, 3, 4), new EvictionScript(3).run(new Fifo(), NONE, SCRIPT).victims());
    }

    @Test
    void lfuEvictsTheLeastUsedAndBreaksTiesByRecency() {
        // At 4: uses 2:1, 3:1, 1:2 -> 2 (used longer ago than 3). At 5: 3:1, 4:1, 1:3 -> 3. At 2: 4:1, 5:1 -> 4.
        assertEquals(List.of(2, 3, 4), new EvictionScript(3).run(new Lfu(), NONE, SCRIPT).victims());
    }

    @Test
    void mruEvictsTheBlockUsedLast() {
        // At 4: 1 was used last. At 1: 4. At 5: 1 again; 2 is then still resident (a hit).
        EvictionScript s = new EvictionScript(3).run(new Mru(), NONE, SCRIPT);
        assertEquals(List.of(1, 4, 1), s.victims());
        assertEquals(6, s.misses());
    }

    @Test
    void clockGivesReferencedBlocksASecondChance() {
        // At 4 every block is referenced: the hand clears 2 and 3 and comes back to 1. 2 is then
        // used again; at 5 the hand passes 2 (referenced, cleared, requeued) and takes 3, which FIFO spares.
        assertEquals(List.of(1, 3), new EvictionScript(3).run(new Clock(), NONE, 1, 2, 3, 4, 2, 5).victims());
        assertEquals(List.of(1, 2), new EvictionScript(3).run(new Fifo(), NONE, 1, 2, 3, 4, 2, 5).victims());
    }

    @Test
    void randomDrawsReproduciblyFromItsSeed() {
        int[] cyclic = new int[40];
        for (int i = 0; i < cyclic.length; i++) {
            cyclic[i] = i % 5;
        }
        List<Integer> a = new EvictionScript(3).run(new RandomEviction(), EvictionScript.params(7), cyclic).victims();
        List<Integer> b = new EvictionScript(3).run(new RandomEviction(), EvictionScript.params(7), cyclic).victims();
        List<Integer> c = new EvictionScript(3).run(new RandomEviction(), EvictionScript.params(8), cyclic).victims();
        assertEquals(a, b);
        assertNotEquals(a, c);
        // The first draw: the 3 candidates in LRU order are 0, 1, 2; index mix(7 + 0) mod 3.
        List<Integer> lruOrder = new ArrayList<>(List.of(0, 1, 2));
        assertEquals(lruOrder.get((int) Long.remainderUnsigned(RandomEviction.mix(7), 3)), a.get(0));
    }
}
