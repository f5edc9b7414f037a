package accelmm.policy.classic;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.PrefetchRequest;

/** No prefetch: each fault brings its own 4 KiB page and nothing else (UVM with {@code uvm_perf_prefetch_enable=0}). */
@Component(service = PrefetchPolicy.class)
public final class NoPrefetch implements PrefetchPolicy {
    @Override
    public String name() {
        return "none";
    }

    @Override
    public String summary() {
        return "the faulting 4 KiB page only";
    }

    @Override
    public void prefetch(PrefetchRequest q, PolicyParams params) {
        q.select(q.faultPage(), q.faultPage() + 1);
    }
}
