package accelmm.core.device;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.cost.CostModel;
import accelmm.api.policy.PolicyKind;

/**
 * The memory policies and the cost model of one device configuration: the keys
 * {@code policy.KIND = NAME} and {@code policy.KIND.PARAM = VALUE} (KIND one of eviction, prefetch,
 * thrashing), {@code cost.link = PRESET} and the figures that override it ({@code cost.linkGBps},
 * {@code cost.linkLatencyNs}, {@code cost.faultUs}, {@code cost.tlbNs}, {@code cost.dmaGBps},
 * {@code cost.dmaEngines}, {@code cost.memoryGBps}).
 *
 * <p>Concurrency: immutable.
 *
 * @param policies the policy named for each kind that has one
 * @param params the raw parameters for each kind, by parameter name
 * @param cost the cost model
 */
record DeviceTuning(Map<PolicyKind, String> policies, Map<PolicyKind, Map<String, String>> params, CostModel cost) {
    private static final Set<String> COST_KEYS = Set.of("link", "linkGBps", "linkLatencyNs", "faultUs", "tlbNs", "dmaGBps",
            "dmaEngines", "memoryGBps");

    /**
     * Reads the {@code policy.*} and {@code cost.*} keys of a configuration.
     *
     * @throws ErrnoException {@code EINVAL} naming the source, the key and what is wrong
     */
    static DeviceTuning parse(Map<String, ?> props) {
        String where = DeviceConfigParser.source(props);
        Map<PolicyKind, String> names = new EnumMap<>(PolicyKind.class);
        Map<PolicyKind, Map<String, String>> params = new EnumMap<>(PolicyKind.class);
        Map<String, String> cost = new TreeMap<>();
        for (Map.Entry<String, ?> e : props.entrySet()) {
            String key = e.getKey();
            String value = String.valueOf(e.getValue()).trim();
            if (key.startsWith("policy.")) {
                String[] parts = key.split("\\.", 3);
                PolicyKind kind;
                try {
                    kind = PolicyKind.of(parts.length > 1 ? parts[1] : "");
                } catch (ErrnoException x) {
                    throw bad(where, key, x.detail());
                }
                if (parts.length == 2) {
                    if (!value.matches("[a-z0-9][a-z0-9-]*")) {
                        throw bad(where, key, "'" + value + "' is not a policy name (lower case, digits and '-')");
                    }
                    names.put(kind, value);
                } else {
                    params.computeIfAbsent(kind, k -> new TreeMap<>()).put(parts[2], value);
                }
            } else if (key.startsWith("cost.")) {
                String name = key.substring(5);
                if (!COST_KEYS.contains(name)) {
                    throw bad(where, key, "unknown key; the cost model takes cost." + String.join(", cost.", new java.util.TreeSet<>(COST_KEYS)));
                }
                cost.put(name, value);
            }
        }
        for (PolicyKind k : params.keySet()) {
            if (!names.containsKey(k)) {
                throw bad(where, "policy." + k.label(), "parameters given but no " + k.label() + " policy named");
            }
        }
        return new DeviceTuning(names, params, model(where, cost));
    }

    private static CostModel model(String where, Map<String, String> c) {
        CostModel base;
        try {
            base = CostModel.preset(c.getOrDefault("link", CostModel.PCIE4_X16.link()));
        } catch (ErrnoException e) {
            throw bad(where, "cost.link", e.detail());
        }
        boolean custom = c.keySet().stream().anyMatch(k -> !k.equals("link"));
        try {
            return new CostModel(custom ? "custom" : base.link(),
                    gbps(where, c, "linkGBps", base.linkBytesPerSecond()),
                    number(where, c, "linkLatencyNs", base.linkLatencyNanos()),
                    number(where, c, "faultUs", base.faultNanos() / 1000) * 1000,
                    number(where, c, "tlbNs", base.tlbNanos()),
                    gbps(where, c, "dmaGBps", base.dmaBytesPerSecond()),
                    (int) number(where, c, "dmaEngines", base.dmaEngines()),
                    gbps(where, c, "memoryGBps", base.memoryBytesPerSecond()));
        } catch (ErrnoException e) {
            if (e.detail().startsWith(where)) {
                throw e;
            }
            throw bad(where, "cost", e.detail());
        }
    }

    private static long gbps(String where, Map<String, String> c, String key, long absent) {
        String v = c.get(key);
        if (v == null) {
            return absent;
        }
        try {
            double d = Double.parseDouble(v);
            if (!(d > 0) || d > 1e6) {
                throw bad(where, "cost." + key, v + " is out of range (more than 0 to 1000000 GB/s)");
            }
            return (long) (d * 1e9);
        } catch (NumberFormatException e) {
            throw bad(where, "cost." + key, "'" + v + "' is not a number of GB/s");
        }
    }

    private static long number(String where, Map<String, String> c, String key, long absent) {
        String v = c.get(key);
        if (v == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0 || n > 1_000_000_000L) {
                throw bad(where, "cost." + key, n + " is out of range (0 to 1000000000)");
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(where, "cost." + key, "'" + v + "' is not a whole number");
        }
    }

    private static ErrnoException bad(String where, String key, String why) {
        return Errno.EINVAL.exception(where + ": " + key + ": " + why);
    }
}
