package accelmm.policy.classic;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.EvictionCandidates;
import accelmm.api.policy.EvictionPolicy;
import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicyParam;
import accelmm.api.policy.PolicyParams;

/**
 * A candidate drawn at random, reproducibly: the draw is a hash of the seed and the number of
 * victims the device chose before, so the same run chooses the same victims.
 */
@Component(service = EvictionPolicy.class)
public final class RandomEviction implements EvictionPolicy {
    private static final List<PolicyParam> PARAMS = List.of(
            new PolicyParam("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE, "seed of the draws"));

    @Override
    public String name() {
        return "random";
    }

    @Override
    public String summary() {
        return "a candidate drawn at random, reproducibly from a seed";
    }

    @Override
    public List<PolicyParam> params() {
        return PARAMS;
    }

    @Override
    public PolicyBlock victim(EvictionCandidates c, PolicyParams params) {
        return c.get((int) Long.remainderUnsigned(mix(params.get(0) + c.sequence()), c.size()));
    }

    /** SplitMix64's finaliser: every input bit reaches every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
