package accelmm.core.mm;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Event counters of one memory manager.
 *
 * <p>Concurrency: thread-safe and contention-friendly (one {@link LongAdder} per counter).
 */
final class Counters {
    private final LongAdder[] adders = new LongAdder[Counter.values().length];

    Counters() {
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
    }

    void inc(Counter c) {
        adders[c.ordinal()].increment();
    }

    void add(Counter c, long n) {
        adders[c.ordinal()].add(n);
    }

    long get(Counter c) {
        return adders[c.ordinal()].sum();
    }

    /** Returns every counter by label, sorted. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        for (Counter c : Counter.values()) {
            out.put(c.label, get(c));
        }
        return out;
    }
}
