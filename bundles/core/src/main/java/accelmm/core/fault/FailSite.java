package accelmm.core.fault;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One allocation site that fault injection can make fail, like a failslab attribute set.
 *
 * <p>A site fails a call when it is armed and (a) the call is the {@code interval}-th since the last
 * failure and (b) a draw under {@code probability} percent succeeds, until {@code times} failures
 * have been injected ({@code -1}: no limit). Disarmed, {@link #shouldFail()} is one volatile read.
 *
 * <p>Concurrency: thread-safe; the configuration is replaced atomically as a whole.
 */
public final class FailSite {
    private final String name;
    private volatile Config config;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private SplittableRandom random = new SplittableRandom(0);

    FailSite(String name) {
        this.name = name;
    }

    /** Returns the site's name, e.g. {@code idr.node}. */
    public String name() {
        return name;
    }

    /**
     * Asks whether this call must fail. Callers that fail because of it answer {@code ENOMEM} and
     * roll back as a real allocation failure would.
     */
    public boolean shouldFail() {
        Config c = config;
        return c != null && decide(c);
    }

    private synchronized boolean decide(Config c) {
        if (c != config) {
            return false;
        }
        long n = calls.incrementAndGet();
        if (c.times >= 0 && failures.get() >= c.times) {
            return false;
        }
        if (c.interval > 1 && n % c.interval != 0) {
            return false;
        }
        if (c.probability < 100 && random.nextInt(100) >= c.probability) {
            return false;
        }
        failures.incrementAndGet();
        return true;
    }

    /**
     * Arms the site.
     *
     * @param probability percent of eligible calls that fail, 1..100
     * @param interval only every {@code interval}-th call is eligible; 1 = every call
     * @param times how many failures at most; -1 for no limit
     * @param seed seed of the probability draws, so a run can be repeated
     * @throws IllegalArgumentException for values outside those ranges
     */
    public synchronized void arm(int probability, long interval, long times, long seed) {
        if (probability < 1 || probability > 100 || interval < 1 || times < -1) {
            throw new IllegalArgumentException("probability 1..100, interval >= 1, times >= -1");
        }
        random = new SplittableRandom(seed);
        calls.set(0);
        failures.set(0);
        config = new Config(probability, interval, times);
    }

    /** Disarms the site; counters are kept for inspection. */
    public synchronized void disarm() {
        config = null;
    }

    /** Returns true if the site is armed. */
    public boolean armed() {
        return config != null;
    }

    /** Returns how many calls asked since the site was last armed. */
    public long calls() {
        return calls.get();
    }

    /** Returns how many failures were injected since the site was last armed. */
    public long failures() {
        return failures.get();
    }

    private record Config(int probability, long interval, long times) {
    }
}
