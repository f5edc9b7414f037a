package accelmm.core.mm;

import java.util.concurrent.CopyOnWriteArrayList;

import accelmm.api.Errno;
import accelmm.api.mm.Shrinker;

/**
 * The registered shrinkers and direct reclaim over them ({@code shrink_slab}): each shrinker that
 * holds pages is asked for its share until enough came back.
 *
 * <p>Concurrency: registration and reclaim are thread-safe; reclaim runs on the allocating thread
 * with no memory-manager lock held, and a shrinker that throws is reported and skipped, so a buggy
 * cache cannot fail an allocation that would have failed anyway.
 */
final class Shrinkers {
    private record Entry(String name, Shrinker shrinker) {
    }

    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();
    private final Counters counters;

    Shrinkers(Counters counters) {
        this.counters = counters;
    }

    Shrinker.Registration register(String name, Shrinker shrinker) {
        if (shrinker == null || name == null || name.isEmpty()) {
            throw Errno.EINVAL.exception("a shrinker needs a name and an implementation");
        }
        Entry e = new Entry(name, shrinker);
        entries.add(e);
        return () -> entries.remove(e);
    }

    /** Asks the shrinkers for {@code nrPages} pages; returns what they freed. */
    long reclaim(long nrPages) {
        long freed = 0;
        for (Entry e : entries) {
            if (freed >= nrPages) {
                break;
            }
            try {
                long can = e.shrinker.count();
                if (can <= 0) {
                    continue;
                }
                long got = e.shrinker.scan(Math.min(can, nrPages - freed));
                if (got > 0) {
                    freed += got;
                }
            } catch (RuntimeException ex) {
                org.slf4j.LoggerFactory.getLogger(Shrinkers.class).warn("shrinker {} failed: {}", e.name, ex.toString());
            }
        }
        counters.inc(Counter.RECLAIM_RUNS);
        counters.add(Counter.RECLAIM_PAGES, freed);
        return freed;
    }
}
