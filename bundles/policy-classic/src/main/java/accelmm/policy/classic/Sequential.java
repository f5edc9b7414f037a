package accelmm.policy.classic;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.PolicyParam;
import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.PrefetchRequest;

/** Read-ahead: the faulting page and the ones after it, up to the end of the granule. */
@Component(service = PrefetchPolicy.class)
public final class Sequential implements PrefetchPolicy {
    private static final List<PolicyParam> PARAMS = List.of(
            new PolicyParam("pages", 16, 1, 512, "pages moved from the faulting one on (4 KiB each)"));

    @Override
    public String name() {
        return "sequential";
    }

    @Override
    public String summary() {
        return "read-ahead: the faulting page and the next ones in the granule";
    }

    @Override
    public List<PolicyParam> params() {
        return PARAMS;
    }

    @Override
    public void prefetch(PrefetchRequest q, PolicyParams params) {
        q.select(q.faultPage(), (int) Math.min(q.end(), q.faultPage() + params.get(0)));
    }
}
