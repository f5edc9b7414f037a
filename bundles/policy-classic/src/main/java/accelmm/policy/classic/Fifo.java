package accelmm.policy.classic;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.EvictionCandidates;
import accelmm.api.policy.EvictionPolicy;
import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicyParams;

/** First in, first out: the block that entered device memory first, however much it was used since. */
@Component(service = EvictionPolicy.class)
public final class Fifo implements EvictionPolicy {
    @Override
    public String name() {
        return "fifo";
    }

    @Override
    public String summary() {
        return "first in, first out: the block that entered device memory first";
    }

    @Override
    public PolicyBlock victim(EvictionCandidates c, PolicyParams params) {
        PolicyBlock best = c.get(0);
        for (int i = 1; i < c.size(); i++) {
            if (c.get(i).insertedAt() < best.insertedAt()) {
                best = c.get(i);
            }
        }
        return best;
    }
}
