/**
 * The policy registry: which eviction, prefetch and thrashing policies are registered, which one
 * each device selected, and what each device uses now.
 *
 * <h2>Overview</h2>
 * {@link accelmm.core.policy.PolicyRegistry} holds the services by kind and name (the core's
 * defaults among them: {@code lru}, {@code chunk}, {@code none}) and the selections by device name;
 * {@link accelmm.core.policy.DevicePoliciesImpl} caches a device's resolved set until the registry's
 * version moves; {@link accelmm.core.policy.PolicyService} feeds the whiteboard into the registry.
 *
 * <h2>Locking</h2>
 * The registry's monitor guards its tables and is a leaf: policies are not called under it. The
 * devices read their cached set without a lock.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * registry.select("xe0", PolicyKind.PREFETCH, "uvm-tree", Map.of("threshold", "51"));
 * PolicySet now = dev.policies().current();
 * now.prefetch(request);
 * }</pre>
 */
package accelmm.core.policy;
