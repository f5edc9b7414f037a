package accelmm.api.cost;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A simulated time and what it was spent on.
 *
 * <p>Concurrency: immutable.
 *
 * @param nanos the simulated time in nanoseconds: for a process its clock (waits included), for a
 *     device the time it was busy
 * @param breakdown nanoseconds by category (every category, zeros included)
 */
public record SimTime(long nanos, Map<CostCategory, Long> breakdown) {
    /** Copies the breakdown with every category present. */
    public SimTime {
        EnumMap<CostCategory, Long> all = new EnumMap<>(CostCategory.class);
        for (CostCategory c : CostCategory.values()) {
            all.put(c, breakdown.getOrDefault(c, 0L));
        }
        breakdown = Collections.unmodifiableMap(all);
    }

    /** Returns the time in seconds. */
    public double seconds() {
        return nanos / 1e9;
    }

    /** Returns the time spent on {@code c}. */
    public long nanos(CostCategory c) {
        return breakdown.get(c);
    }

    /** Returns this time less {@code before}, category by category. */
    public SimTime minus(SimTime before) {
        EnumMap<CostCategory, Long> d = new EnumMap<>(CostCategory.class);
        for (CostCategory c : CostCategory.values()) {
            d.put(c, nanos(c) - before.nanos(c));
        }
        return new SimTime(nanos - before.nanos, d);
    }

    /** Returns a zero time. */
    public static SimTime zero() {
        return new SimTime(0, Map.of());
    }
}
