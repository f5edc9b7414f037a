package accelmm.api.policy;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The policies the host knows and which device uses which. Policies come from the core (the
 * kernels' defaults) and from policy bundles, as whiteboard services of {@link EvictionPolicy},
 * {@link PrefetchPolicy} and {@link ThrashingPolicy}; a selection names a policy, so it survives the
 * policy's bundle being updated (the device uses the default while the service is away).
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface Policies {
    /** Returns every registered policy, by kind then name. */
    List<PolicyInfo> list();

    /**
     * Selects a policy of {@code kind} for {@code device}, with parameters by name (the others take
     * their defaults); nothing changes when the call fails.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} no such device; {@code EINVAL} an unknown
     *     policy name (the message lists the known ones), an unknown parameter or a value out of range
     */
    void select(String device, PolicyKind kind, String name, Map<String, String> params);

    /**
     * Checks what {@link #select} would refuse, changing nothing.
     *
     * @throws accelmm.api.ErrnoException as {@link #select}
     */
    void check(String device, PolicyKind kind, String name, Map<String, String> params);

    /** Returns the name of the policy of {@code kind} selected for {@code device}: the default if none was. */
    String selected(String device, PolicyKind kind);

    /**
     * Returns what the policies of {@code device} did, by counter name ({@code policy.victims},
     * {@code policy.prefetch_pages}, {@code policy.prefetch_used}, {@code policy.prefetch_wasted},
     * {@code policy.thrashing}, {@code policy.throttle}, {@code policy.pin}, ...).
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} no such device
     */
    Map<String, Long> stats(String device);
}
