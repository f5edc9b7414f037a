package accelmm.api.policy;

import java.util.List;

/**
 * A memory policy: code without state of its own, registered as a whiteboard service (one of
 * {@link EvictionPolicy}, {@link PrefetchPolicy}, {@link ThrashingPolicy}) and chosen per device by
 * its {@link #name()}. Whatever it remembers lives in core-owned {@link PolicyBlock}s, so a policy
 * bundle can be updated while workloads run and the new code finds the state the old one left.
 *
 * <p>Concurrency: its methods are called from many threads at once, under the device lock where
 * each method says so; they must not block or call back into the memory manager.
 */
public interface Policy {
    /** Returns its name, lower case ({@code lru}, {@code uvm-tree}); unique within its kind. */
    String name();

    /** Returns its kind. */
    PolicyKind kind();

    /** Returns one line on what it does and where it comes from. */
    String summary();

    /** Returns its parameters; none by default. */
    default List<PolicyParam> params() {
        return List.of();
    }
}
