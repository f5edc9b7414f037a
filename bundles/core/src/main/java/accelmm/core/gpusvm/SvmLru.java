package accelmm.core.gpusvm;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A device's ranges in device memory in the order they were last used, so that eviction takes the
 * least recently used one without scanning every range of every GPU SVM. A range's use is a tick
 * of the device's clock, unique, so the index maps it to the range; an entry whose range went,
 * left device memory or was used again since is dropped when it is met.
 *
 * <p>Concurrency: every method runs under the device lock.
 */
final class SvmLru {
    private final TreeMap<Long, RangeImpl> index = new TreeMap<>();
    private long clock;

    long tick() {
        return ++clock;
    }

    /** Marks a range used now; a range in device memory moves to the young end. */
    void touch(RangeImpl r) {
        long old = r.lastUse;
        r.lastUse = tick();
        r.policy.used();
        if (r.devmem) {
            index.remove(old);
            index.put(r.lastUse, r);
        }
    }

    /** Records whether a range (just bound) is in device memory. */
    void placed(RangeImpl r) {
        index.remove(r.lastUse);
        if (r.devmem) {
            index.put(r.lastUse, r);
        }
    }

    /** Forgets a range that left device memory or went away. */
    void forget(RangeImpl r) {
        index.remove(r.lastUse);
    }

    /**
     * The least recently used range in device memory, other than {@code keep} of {@code self} and
     * those a fault is moving; or null.
     */
    RangeImpl victim(GpuSvmImpl self, long keep) {
        for (Iterator<Map.Entry<Long, RangeImpl>> it = index.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, RangeImpl> e = it.next();
            RangeImpl r = e.getValue();
            if (stale(e)) {
                it.remove();
                continue;
            }
            if (candidate(r, self, keep)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Fills {@code out} with every range that {@link #victim} could return, least recently used
     * first; returns how many.
     */
    int candidates(GpuSvmImpl self, long keep, List<RangeImpl> out) {
        out.clear();
        for (Iterator<Map.Entry<Long, RangeImpl>> it = index.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, RangeImpl> e = it.next();
            if (stale(e)) {
                it.remove();
            } else if (candidate(e.getValue(), self, keep)) {
                out.add(e.getValue());
            }
        }
        return out.size();
    }

    private static boolean stale(Map.Entry<Long, RangeImpl> e) {
        RangeImpl r = e.getValue();
        return r.removed || !r.devmem || r.lastUse != e.getKey();
    }

    private static boolean candidate(RangeImpl r, GpuSvmImpl self, long keep) {
        return !r.busy && (self == null || r.svm != self || r.start != keep);
    }
}
