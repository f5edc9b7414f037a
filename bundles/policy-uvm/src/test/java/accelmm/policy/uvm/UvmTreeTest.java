package accelmm.policy.uvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import accelmm.testing.EvictionScript;
import accelmm.testing.PrefetchScript;

/**
 * UVM's tree prefetcher on a sequential scan of a 2 MiB granule (512 pages), the faults worked out
 * by hand from {@code counter * 100 > subregion_pages * threshold}.
 */
class UvmTreeTest {
    @Test
    void bigPagesOf64KiBFaultSixTimesAGranule() {
        // Fault 0: the 16 pages of big page 0 are faulted (100 %), 32 pages would need 17 -> 0..15.
        // Fault 16: 32 of 32 -> 0..31. Fault 32: 48 of 64 -> 0..63. Fault 64: 80 of 128 -> 0..127.
        // Fault 128: 144 of 256 (56 %) -> 0..255. Fault 256: 272 of 512 (53 %) -> everything.
        PrefetchScript s = new PrefetchScript(512).scan(new UvmTree(), EvictionScript.params(51, 64), 0, 512);
        assertEquals(List.of(0, 16, 32, 64, 128, 256), s.faults());
    }

    @Test
    void fourKiBBigPagesWalkTheTreeLeafByLeaf() {
        // With no big page to grow to, each level needs one more page than half: 64 then 65
        // (65 of 128 is 50.8 %, 66 is 51.6 %), 128, 129 and 130, and so on.
        PrefetchScript s = new PrefetchScript(512).scan(new UvmTree(), EvictionScript.params(51, 4), 0, 512);
        assertEquals(List.of(0, 1, 2, 4, 8, 16, 32, 64, 65, 128, 129, 130, 256, 257, 258, 260, 264), s.faults());
    }

    @Test
    void aThresholdOfAHundredPercentNeverPrefetches() {
        PrefetchScript s = new PrefetchScript(512).scan(new UvmTree(), EvictionScript.params(100, 64), 0, 32);
        assertEquals(IntStream.range(0, 32).boxed().toList(), s.faults());
    }

    @Test
    void residentPagesCountTowardsTheSubtree() {
        // Pages 0..47 resident: a fault at 48 sees 64 of 64 in 0..63 and 64 of 128 in 0..127 (not
        // over 51 %) -> 48..63 only; then 64 sees 80 of 128 -> 64..127.
        PrefetchScript s = new PrefetchScript(512).resident(0, 48).scan(new UvmTree(), EvictionScript.params(51, 64), 48, 128);
        assertEquals(List.of(48, 64), s.faults());
    }
}
