package accelmm.core.gpusvm;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.policy.EvictionCandidates;
import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicySet;

/**
 * The ranges an eviction policy chooses among: every range in device memory that may go, least
 * recently used first, in a list reused from eviction to eviction.
 *
 * <p>Concurrency: one per device, used under the device lock.
 */
final class SvmCandidates implements EvictionCandidates {
    private final List<RangeImpl> list = new ArrayList<>();
    private long sequence;

    /**
     * Offers the candidates to the policy; returns its choice, or null if there is none or it
     * answered a block that is not a candidate.
     */
    RangeImpl choose(SvmLru lru, GpuSvmImpl self, long keep, PolicySet policies) {
        if (lru.candidates(self, keep, list) == 0) {
            return null;
        }
        PolicyBlock b = policies.victim(this);
        for (RangeImpl r : list) {
            if (r.policy == b) {
                return r;
            }
        }
        return null;
    }

    /** Counts a victim taken and lets the candidates go. */
    void chosen() {
        sequence++;
        list.clear();
    }

    @Override
    public int size() {
        return list.size();
    }

    @Override
    public PolicyBlock get(int i) {
        return list.get(i).policy;
    }

    /** Returns candidate {@code i}'s range. */
    RangeImpl range(int i) {
        return list.get(i);
    }

    @Override
    public long sequence() {
        return sequence;
    }
}
