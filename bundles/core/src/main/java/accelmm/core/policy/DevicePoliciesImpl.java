package accelmm.core.policy;

import accelmm.api.policy.DevicePolicies;
import accelmm.api.policy.PolicySet;

/**
 * What one device uses now, cached until the registry changes: a volatile read and a compare per
 * decision.
 *
 * <p>Concurrency: lock-free; a stale cache is replaced by the first call that sees a new version.
 */
public final class DevicePoliciesImpl implements DevicePolicies {
    private final PolicyRegistry registry;
    private final String device;
    private volatile PolicyRegistry.Resolved cached;

    /** The policies of {@code device}. */
    public DevicePoliciesImpl(PolicyRegistry registry, String device) {
        this.registry = registry;
        this.device = device;
    }

    @Override
    public PolicySet current() {
        PolicyRegistry.Resolved r = cached;
        if (r == null || r.version() != registry.version()) {
            r = registry.resolve(device);
            cached = r;
        }
        return r;
    }
}
