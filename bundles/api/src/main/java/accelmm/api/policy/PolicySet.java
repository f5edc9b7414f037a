package accelmm.api.policy;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One device's policies at one moment, each with its parameters: what a decision is made with.
 * Take it once per decision ({@link DevicePolicies#current()}) so a selection changing meanwhile
 * cannot mix one policy with another's parameters.
 *
 * <p>Concurrency: immutable; the methods run the policies, under the device lock.
 */
@ProviderType
public interface PolicySet {
    /** Returns the name of the policy of {@code kind}. */
    String name(PolicyKind kind);

    /** Returns true if the policy of {@code kind} is the core's default. */
    boolean isDefault(PolicyKind kind);

    /** Chooses a victim among {@code candidates} with the eviction policy. */
    PolicyBlock victim(EvictionCandidates candidates);

    /** Selects the pages that move with a fault with the prefetch policy. */
    void prefetch(PrefetchRequest request);

    /** Judges a move with the thrashing policy. */
    ThrashAction moved(PolicyBlock block, long nowNanos);

    /** Returns the nap of a throttled processor, in simulated nanoseconds. */
    long napNanos();
}
