package accelmm.policy.classic;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.EvictionCandidates;
import accelmm.api.policy.EvictionPolicy;
import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicyParams;

/** Least frequently used: the block used least often since it entered device memory; ties go to the least recently used. */
@Component(service = EvictionPolicy.class)
public final class Lfu implements EvictionPolicy {
    @Override
    public String name() {
        return "lfu";
    }

    @Override
    public String summary() {
        return "least frequently used since it entered device memory; ties by least recent use";
    }

    @Override
    public PolicyBlock victim(EvictionCandidates c, PolicyParams params) {
        PolicyBlock best = c.get(0);
        for (int i = 1; i < c.size(); i++) {
            if (c.get(i).uses() < best.uses()) {
                best = c.get(i);
            }
        }
        return best;
    }
}
