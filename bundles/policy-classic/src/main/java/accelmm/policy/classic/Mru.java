package accelmm.policy.classic;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.EvictionCandidates;
import accelmm.api.policy.EvictionPolicy;
import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicyParams;

/** Most recently used: the block used last (good for a cyclic scan larger than memory, where LRU always guesses wrong). */
@Component(service = EvictionPolicy.class)
public final class Mru implements EvictionPolicy {
    @Override
    public String name() {
        return "mru";
    }

    @Override
    public String summary() {
        return "most recently used first: keeps the start of a cyclic scan larger than memory";
    }

    @Override
    public PolicyBlock victim(EvictionCandidates c, PolicyParams params) {
        return c.get(c.size() - 1);
    }
}
