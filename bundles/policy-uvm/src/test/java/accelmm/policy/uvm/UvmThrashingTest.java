package accelmm.policy.uvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import accelmm.api.policy.BlockState;
import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.ThrashAction;
import accelmm.testing.EvictionScript;

/** UVM's thrashing detector over scripted moves of one block, with its default module parameters. */
class UvmThrashingTest {
    private static final PolicyParams DEFAULTS = EvictionScript.params(3, 10, 500, 1, 300);
    private static final long US = 1000;

    private static ThrashAction move(UvmThrashing t, BlockState b, long now) {
        ThrashAction a = t.moved(b, now, DEFAULTS);
        b.moved(now);
        return a;
    }

    @Test
    void threeQuickMovesThrottleTenThrottlesPin() {
        UvmThrashing t = new UvmThrashing();
        BlockState b = new BlockState(0, 2L << 20);
        List<ThrashAction> seen = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            seen.add(move(t, b, i * 100 * US));
        }
        // Move 0 has no predecessor; moves 1 and 2 are events 1 and 2; 3..12 throttle (10 times);
        // 13 pins for 300 lapses of 500 us; 14 starts counting again.
        List<ThrashAction> want = new ArrayList<>(List.of(ThrashAction.NONE, ThrashAction.NONE, ThrashAction.NONE));
        for (int i = 0; i < 10; i++) {
            want.add(ThrashAction.THROTTLE);
        }
        want.add(ThrashAction.PIN);
        want.add(ThrashAction.NONE);
        assertEquals(want, seen);
        assertEquals(1300 * US + 300 * 500 * US, b.pinnedUntilNanos());
        assertEquals(500 * US, t.napNanos(DEFAULTS));
    }

    @Test
    void aMoveAfterTheLapseResetsTheCount() {
        UvmThrashing t = new UvmThrashing();
        BlockState b = new BlockState(0, 2L << 20);
        move(t, b, 0);
        move(t, b, 100 * US);
        move(t, b, 200 * US);
        assertEquals(ThrashAction.NONE, move(t, b, 800 * US));
        assertEquals(0, b.thrashEvents());
        assertEquals(ThrashAction.NONE, move(t, b, 900 * US));
        assertEquals(1, b.thrashEvents());
    }
}
