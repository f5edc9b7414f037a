package accelmm.core.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

import accelmm.api.Errno;
import accelmm.api.policy.EvictionCandidates;
import accelmm.api.policy.EvictionPolicy;
import accelmm.api.policy.Policies;
import accelmm.api.policy.Policy;
import accelmm.api.policy.PolicyBlock;
import accelmm.api.policy.PolicyInfo;
import accelmm.api.policy.PolicyKind;
import accelmm.api.policy.PolicySet;
import accelmm.api.policy.PrefetchPolicy;
import accelmm.api.policy.PrefetchRequest;
import accelmm.api.policy.ThrashAction;
import accelmm.api.policy.ThrashingPolicy;
import accelmm.core.diag.Warnings;

/**
 * The registered policies by kind and name (the best service of a name wins: highest ranking, then
 * newest), the selections by device name, and what each device resolves to. A selection outlives
 * its policy's service and its device: a device made again, or a policy registered again, finds it.
 *
 * <p>Concurrency: its tables are guarded by its monitor; {@link #version} tells the devices'
 * lock-free caches ({@link DevicePoliciesImpl}) that something changed.
 */
public final class PolicyRegistry implements Policies {
    /** A policy service. */
    private record Registered(Policy policy, long serviceId, int ranking, String bundle) {
    }

    /** A device's choice of one kind: a name and raw parameters. */
    private record Selection(String name, Map<String, String> params) {
    }

    /** A device's policy of one kind as resolved now. */
    record Chosen(Policy policy, Params params, boolean isDefault) {
    }

    /** Everything a device uses now, with the registry version it was resolved at. */
    record Resolved(int version, Chosen eviction, Chosen prefetch, Chosen thrashing) implements PolicySet {
        Chosen of(PolicyKind kind) {
            return switch (kind) {
                case EVICTION -> eviction;
                case PREFETCH -> prefetch;
                case THRASHING -> thrashing;
            };
        }

        @Override
        public String name(PolicyKind kind) {
            return of(kind).policy().name();
        }

        @Override
        public boolean isDefault(PolicyKind kind) {
            return of(kind).isDefault();
        }

        @Override
        public PolicyBlock victim(EvictionCandidates candidates) {
            return ((EvictionPolicy) eviction.policy()).victim(candidates, eviction.params());
        }

        @Override
        public void prefetch(PrefetchRequest request) {
            ((PrefetchPolicy) prefetch.policy()).prefetch(request, prefetch.params());
        }

        @Override
        public ThrashAction moved(PolicyBlock block, long nowNanos) {
            return ((ThrashingPolicy) thrashing.policy()).moved(block, nowNanos, thrashing.params());
        }

        @Override
        public long napNanos() {
            return ((ThrashingPolicy) thrashing.policy()).napNanos(thrashing.params());
        }
    }

    private static final Comparator<Registered> BEST_FIRST = Comparator.comparingInt(Registered::ranking)
            .thenComparingLong(Registered::serviceId).reversed();
    private static final Map<PolicyKind, Policy> DEFAULTS = Map.of(PolicyKind.EVICTION, CoreDefaults.LRU,
            PolicyKind.PREFETCH, CoreDefaults.CHUNK, PolicyKind.THRASHING, CoreDefaults.NONE);

    private final Map<PolicyKind, Map<String, TreeSet<Registered>>> registered = new EnumMap<>(PolicyKind.class);
    private final Map<String, EnumMap<PolicyKind, Selection>> selections = new HashMap<>();
    private final Supplier<Collection<String>> deviceNames;
    private final Function<String, Map<String, Long>> counters;
    private final Warnings warnings;
    private volatile int version;

    /** A registry whose devices are those {@code deviceNames} gives, with counters from {@code counters}. */
    public PolicyRegistry(Supplier<Collection<String>> deviceNames, Function<String, Map<String, Long>> counters, Warnings warnings) {
        this.deviceNames = deviceNames;
        this.counters = counters;
        this.warnings = warnings;
        for (PolicyKind k : PolicyKind.values()) {
            registered.put(k, new TreeMap<>());
            add(DEFAULTS.get(k), -1 - k.ordinal(), Integer.MIN_VALUE, "accelmm.core");
        }
    }

    int version() {
        return version;
    }

    /** Registers a policy service. */
    public void add(Policy policy, long serviceId, int ranking, String bundle) {
        PolicyKind kind = kindOf(policy);
        synchronized (this) {
            registered.get(kind).computeIfAbsent(policy.name(), n -> new TreeSet<>(BEST_FIRST))
                    .add(new Registered(policy, serviceId, ranking, bundle));
            version++;
        }
    }

    /** Unregisters the policy service {@code serviceId}; its devices use the next of its name, or the default. */
    public void remove(long serviceId) {
        synchronized (this) {
            for (Map<String, TreeSet<Registered>> names : registered.values()) {
                names.values().forEach(s -> s.removeIf(r -> r.serviceId() == serviceId));
                names.values().removeIf(TreeSet::isEmpty);
            }
            version++;
        }
    }

    private static PolicyKind kindOf(Policy p) {
        if (p instanceof EvictionPolicy) {
            return PolicyKind.EVICTION;
        }
        if (p instanceof PrefetchPolicy) {
            return PolicyKind.PREFETCH;
        }
        if (p instanceof ThrashingPolicy) {
            return PolicyKind.THRASHING;
        }
        throw Errno.EINVAL.exception(p.name() + " is not an eviction, prefetch or thrashing policy");
    }

    @Override
    public synchronized List<PolicyInfo> list() {
        List<PolicyInfo> out = new ArrayList<>();
        for (PolicyKind k : PolicyKind.values()) {
            registered.get(k).forEach((name, set) -> {
                Registered best = set.first();
                List<String> devices = new ArrayList<>();
                for (String dev : deviceNames.get()) {
                    if (inUse(dev, k).equals(name)) {
                        devices.add(dev);
                    }
                }
                devices.sort(null);
                out.add(new PolicyInfo(k, name, best.bundle(), best.policy().summary(), best.policy().params(), devices));
            });
        }
        return out;
    }

    /** The name of the policy {@code device} uses for {@code kind}: its selection while registered, else the default. */
    private String inUse(String device, PolicyKind kind) {
        EnumMap<PolicyKind, Selection> sel = selections.get(device);
        Selection s = sel == null ? null : sel.get(kind);
        return s != null && registered.get(kind).containsKey(s.name()) ? s.name() : DEFAULTS.get(kind).name();
    }

    private boolean deviceExists(String device) {
        return deviceNames.get().contains(device);
    }

    @Override
    public synchronized void check(String device, PolicyKind kind, String name, Map<String, String> params) {
        if (!deviceExists(device)) {
            throw Errno.ENODEV.exception("no device '" + device + "'");
        }
        TreeSet<Registered> set = registered.get(kind).get(name);
        if (set == null) {
            throw Errno.EINVAL.exception("no " + kind.label() + " policy '" + name + "'; known: "
                    + String.join(", ", registered.get(kind).keySet()));
        }
        Params.of(set.first().policy(), params);
    }

    @Override
    public void select(String device, PolicyKind kind, String name, Map<String, String> params) {
        synchronized (this) {
            check(device, kind, name, params);
            selections.computeIfAbsent(device, d -> new EnumMap<>(PolicyKind.class))
                    .put(kind, new Selection(name, Map.copyOf(params)));
            version++;
        }
    }

    /**
     * Selects from a device's configuration: a policy not registered yet is kept and used once it
     * registers (the device uses the default meanwhile, with a warning), so the start order of
     * bundles does not matter. A null name drops the selection.
     */
    public void configure(String device, PolicyKind kind, String name, Map<String, String> params) {
        synchronized (this) {
            EnumMap<PolicyKind, Selection> sel = selections.computeIfAbsent(device, d -> new EnumMap<>(PolicyKind.class));
            if (name == null) {
                sel.remove(kind);
            } else {
                sel.put(kind, new Selection(name, Map.copyOf(params)));
                if (!registered.get(kind).containsKey(name)) {
                    warnings.warn(device + ": " + kind.label() + " policy '" + name + "' is not registered (yet); "
                            + DEFAULTS.get(kind).name() + " until it is");
                }
            }
            version++;
        }
    }

    @Override
    public synchronized String selected(String device, PolicyKind kind) {
        EnumMap<PolicyKind, Selection> sel = selections.get(device);
        return sel != null && sel.containsKey(kind) ? sel.get(kind).name() : DEFAULTS.get(kind).name();
    }

    @Override
    public Map<String, Long> stats(String device) {
        if (!deviceExists(device)) {
            throw Errno.ENODEV.exception("no device '" + device + "'");
        }
        Map<String, Long> out = new TreeMap<>();
        counters.apply(device).forEach((k, v) -> {
            if (k.startsWith("policy.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Resolves what {@code device} uses now. */
    synchronized Resolved resolve(String device) {
        EnumMap<PolicyKind, Chosen> chosen = new EnumMap<>(PolicyKind.class);
        EnumMap<PolicyKind, Selection> sel = selections.getOrDefault(device, new EnumMap<>(PolicyKind.class));
        for (PolicyKind k : PolicyKind.values()) {
            Selection s = sel.get(k);
            TreeSet<Registered> set = s == null ? null : registered.get(k).get(s.name());
            Policy p = set == null ? DEFAULTS.get(k) : set.first().policy();
            Params params;
            try {
                params = Params.of(p, set == null ? Map.of() : s.params());
            } catch (accelmm.api.ErrnoException e) {
                warnings.warn(device + ": " + e.detail() + "; " + p.name() + " runs with its defaults");
                params = Params.of(p, Map.of());
            }
            chosen.put(k, new Chosen(p, params, p == DEFAULTS.get(k)));
        }
        return new Resolved(version, chosen.get(PolicyKind.EVICTION), chosen.get(PolicyKind.PREFETCH),
                chosen.get(PolicyKind.THRASHING));
    }
}
