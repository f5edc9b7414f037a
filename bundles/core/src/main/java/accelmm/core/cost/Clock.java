package accelmm.core.cost;

import java.util.EnumMap;

import accelmm.api.cost.CostCategory;
import accelmm.api.cost.SimTime;

/**
 * One simulated clock: a time and what it was spent on.
 *
 * <p>Concurrency: a leaf lock (its monitor) guards it; nothing is called while it is held.
 */
final class Clock {
    private final long start;
    private long now;
    private final long[] spent = new long[CostCategory.values().length];

    /** A clock that starts at the simulated time {@code start}: a process begins at the host's now. */
    Clock(long start) {
        this.start = start;
        this.now = start;
    }

    /** Adds {@code nanos} of {@code c}; returns the new time. */
    synchronized long add(CostCategory c, long nanos) {
        now += nanos;
        spent[c.ordinal()] += nanos;
        return now;
    }

    /** Waits until {@code until} (if later) counting the wait as {@code c}; returns the new time. */
    synchronized long until(CostCategory c, long until) {
        if (until > now) {
            spent[c.ordinal()] += until - now;
            now = until;
        }
        return now;
    }

    synchronized long now() {
        return now;
    }

    /** Waits until {@code elapsed} after its start, counting the wait as {@code c}. */
    synchronized void untilElapsed(CostCategory c, long elapsed) {
        if (start + elapsed > now) {
            spent[c.ordinal()] += start + elapsed - now;
            now = start + elapsed;
        }
    }

    synchronized SimTime snapshot() {
        EnumMap<CostCategory, Long> m = new EnumMap<>(CostCategory.class);
        for (CostCategory c : CostCategory.values()) {
            m.put(c, spent[c.ordinal()]);
        }
        return new SimTime(now - start, m);
    }
}
