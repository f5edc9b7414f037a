package accelmm.policy.classic;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.PrefetchRequest;

/** The whole granule (2 MiB on Xe) that holds the fault, clipped to the VMA and the bind. */
@Component(service = PrefetchPolicy.class)
public final class AlwaysMax implements PrefetchPolicy {
    @Override
    public String name() {
        return "always-max";
    }

    @Override
    public String summary() {
        return "the whole granule around the fault (clipped to the VMA)";
    }

    @Override
    public void prefetch(PrefetchRequest q, PolicyParams params) {
        q.select(q.first(), q.end());
    }
}
