package accelmm.policy.classic;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import accelmm.api.policy.PolicyParam;
import accelmm.api.policy.PolicyParams;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.PrefetchRequest;

/**
 * Stride detection: when the last three faults of the address space are equally spaced, the next
 * {@code depth} pages on that stride (inside the granule) move with the fault.
 */
@Component(service = PrefetchPolicy.class)
public final class Stride implements PrefetchPolicy {
    private static final List<PolicyParam> PARAMS = List.of(
            new PolicyParam("depth", 4, 1, 64, "pages fetched ahead on a detected stride"));

    @Override
    public String name() {
        return "stride";
    }

    @Override
    public String summary() {
        return "a stride seen in three faults in a row: the next pages on it";
    }

    @Override
    public List<PolicyParam> params() {
        return PARAMS;
    }

    @Override
    public void prefetch(PrefetchRequest q, PolicyParams params) {
        long f = q.faultPage();
        long p1 = q.previousFault(1);
        long p2 = q.previousFault(2);
        q.select(q.faultPage(), q.faultPage() + 1);
        if (p1 == Long.MIN_VALUE || p2 == Long.MIN_VALUE) {
            return;
        }
        long stride = f - p1;
        if (stride == 0 || p1 - p2 != stride) {
            return;
        }
        for (long k = 1; k <= params.get(0); k++) {
            long p = f + k * stride;
            if (p < q.first() || p >= q.end()) {
                return;
            }
            q.select((int) p, (int) p + 1);
        }
    }
}
