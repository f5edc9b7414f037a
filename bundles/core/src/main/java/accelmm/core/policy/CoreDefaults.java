package accelmm.core.policy;

import accelmm.api.policy.EvictionCandidates;
import accelmm.api.policy.EvictionPolicy;
import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.PrefetchRequest;
import accelmm.api.policy.ThrashAction;
import accelmm.api.policy.ThrashingPolicy;

/**
 * What the kernels do when nothing else is chosen, so a device always has a policy of each kind:
 * least recently used eviction (drm_gpusvm's and TTM's LRU), {@code drm_gpusvm}'s chunk choice for
 * prefetch (the largest chunk that fits, nothing beyond it) and no thrashing handling.
 *
 * <p>Concurrency: stateless.
 */
final class CoreDefaults {
    private CoreDefaults() {
    }

    /** The least recently used candidate. */
    static final EvictionPolicy LRU = new EvictionPolicy() {
        @Override
        public String name() {
            return "lru";
        }

        @Override
        public String summary() {
            return "least recently used first, as drm_gpusvm, TTM and GMEM evict (the default)";
        }

        @Override
        public PolicyBlock victim(EvictionCandidates candidates, PolicyParams params) {
            return candidates.get(0);
        }
    };

    /** drm_gpusvm's chunks: the core makes the range of the largest chunk that fits and selects nothing more. */
    static final PrefetchPolicy CHUNK = new PrefetchPolicy() {
        @Override
        public String name() {
            return "chunk";
        }

        @Override
        public String summary() {
            return "drm_gpusvm's chunk choice: the largest configured chunk that fits the VMA (the default)";
        }

        @Override
        public void prefetch(PrefetchRequest request, PolicyParams params) {
            request.select(request.faultPage(), request.faultPage() + 1);
        }
    };

    /** Every move goes ahead. */
    static final ThrashingPolicy NONE = new ThrashingPolicy() {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public String summary() {
            return "no thrashing handling: every move goes ahead (the default)";
        }

        @Override
        public ThrashAction moved(PolicyBlock block, long nowNanos, PolicyParams params) {
            return ThrashAction.NONE;
        }
    };
}
