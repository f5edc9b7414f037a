/**
 * Memory policies as replaceable modules: eviction, prefetch and thrashing decisions made by
 * whiteboard services the core calls where memory moves, chosen per device by name.
 *
 * <h2>Overview</h2>
 * The core owns every piece of state: the blocks that move as a unit ({@link accelmm.api.policy.PolicyBlock},
 * with the uses, ticks and marks a policy needs), the candidates of an eviction, the residency a
 * prefetcher looks at. A policy is code: {@link accelmm.api.policy.EvictionPolicy#victim} picks one
 * of the candidates, {@link accelmm.api.policy.PrefetchPolicy#prefetch} selects pages of the granule
 * around a fault, {@link accelmm.api.policy.ThrashingPolicy#moved} answers a move with none,
 * throttle, pin or map remotely. {@link accelmm.api.policy.Policies} selects them per device (by
 * ConfigAdmin keys {@code policy.eviction}, {@code policy.prefetch}, {@code policy.thrashing} and
 * {@code policy.KIND.PARAM}, by a workload file's {@code policies:}, by {@code --policy} and by
 * {@code policy:set}); {@link accelmm.api.policy.DevicePolicies} is what a device uses now.
 *
 * <h2>Locking</h2>
 * Policies are called under the device lock and must neither block nor call into the memory
 * manager; they do not allocate per call. Selection is lock-free for the callers: the next
 * decision sees it. A policy bundle that goes away leaves its devices on the core's defaults until
 * a policy of the same name registers again.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * @Component(service = EvictionPolicy.class)
 * public final class Fifo implements EvictionPolicy {
 *     public String name() { return "fifo"; }
 *     public String summary() { return "the block that entered device memory first"; }
 *     public PolicyBlock victim(EvictionCandidates c, PolicyParams p) {
 *         PolicyBlock best = c.get(0);
 *         for (int i = 1; i < c.size(); i++) {
 *             if (c.get(i).insertedAt() < best.insertedAt()) {
 *                 best = c.get(i);
 *             }
 *         }
 *         return best;
 *     }
 * }
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package accelmm.api.policy;
