package accelmm.policy.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import accelmm.testing.EvictionScript;
import accelmm.testing.PrefetchScript;

/** Each prefetch policy over scripted accesses to one 2 MiB granule of 512 pages, faults worked out by hand. */
class PrefetchPoliciesTest {
    @Test
    void noneFaultsOnEveryPage() {
        PrefetchScript s = new PrefetchScript(512).scan(new NoPrefetch(), EvictionScript.params(), 0, 16);
        assertEquals(IntStream.range(0, 16).boxed().toList(), s.faults());
        assertEquals(16, s.residentPages());
    }

    @Test
    void sequentialReadsAheadItsPages() {
        PrefetchScript s = new PrefetchScript(512).scan(new Sequential(), EvictionScript.params(16), 0, 64);
        assertEquals(List.of(0, 16, 32, 48), s.faults());
        // Near the end of the granule it stops at the end: 500 brings 500..511.
        s.run(new Sequential(), EvictionScript.params(16), 500, 511);
        assertEquals(List.of(0, 16, 32, 48, 500), s.faults());
    }

    @Test
    void strideFetchesAheadOnceThreeFaultsAreEquallySpaced() {
        // 0, 8 and 16 fault (no stride seen before 16); 16 sees stride 8 and brings 24..48. 56
        // faults (the last faults 16, 8 are 8 apart but 56 - 16 is not), 64 too; 72 sees 64, 56
        // and brings 80..104.
        PrefetchScript s = new PrefetchScript(512).run(new Stride(), EvictionScript.params(4),
                0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112);
        assertEquals(List.of(0, 8, 16, 56, 64, 72, 112), s.faults());
    }

    @Test
    void alwaysMaxBringsTheWholeGranule() {
        PrefetchScript s = new PrefetchScript(512).scan(new AlwaysMax(), EvictionScript.params(), 0, 512);
        assertEquals(List.of(0), s.faults());
        assertEquals(512, s.residentPages());
    }
}
