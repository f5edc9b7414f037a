package accelmm.workload;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.policy.Policies;
import accelmm.api.policy.PolicyKind;

/**
 * The memory policies a run asks for, by device and kind, each a name and its parameters: from
 * {@code --policy DEVICE:KIND=NAME} and {@code --policy DEVICE:KIND.PARAM=VALUE}, and from a
 * workload file's {@code policies: {DEVICE: {KIND: NAME, KIND.PARAM: VALUE}}}. Checked whole
 * before they are applied, so a bad one changes nothing.
 *
 * <p>Concurrency: confined to the thread that runs the command.
 */
final class PolicyChoices {
    /** One kind's choice on one device. */
    private static final class Choice {
        String name;
        final Map<String, String> params = new LinkedHashMap<>();
    }

    private final Map<String, EnumMap<PolicyKind, Choice>> byDevice = new TreeMap<>();

    /** Adds {@code KIND=NAME} or {@code KIND.PARAM=VALUE} for {@code device}; the later of two names wins. */
    void add(String device, String key, String value) {
        int dot = key.indexOf('.');
        PolicyKind kind = PolicyKind.of(dot < 0 ? key : key.substring(0, dot));
        Choice c = byDevice.computeIfAbsent(device, d -> new EnumMap<>(PolicyKind.class)).computeIfAbsent(kind, k -> new Choice());
        if (dot < 0) {
            c.name = value;
        } else {
            c.params.put(key.substring(dot + 1), value);
        }
    }

    /**
     * Adds a comma-separated list of {@code DEVICE:KIND=NAME} and {@code DEVICE:KIND.PARAM=VALUE}.
     *
     * @throws ErrnoException {@code EINVAL} for an item of another form or an unknown kind
     */
    void addOption(String option) {
        for (String item : option.split(",")) {
            String t = item.trim();
            int colon = t.indexOf(':');
            int eq = t.indexOf('=');
            if (colon <= 0 || eq < colon + 2 || eq == t.length() - 1) {
                throw Errno.EINVAL.exception("--policy takes DEVICE:KIND=NAME or DEVICE:KIND.PARAM=VALUE "
                        + "(KIND eviction, prefetch or thrashing), not '" + t + "'");
            }
            add(t.substring(0, colon), t.substring(colon + 1, eq), t.substring(eq + 1));
        }
    }

    /** Adds another set's choices over these. */
    void addAll(PolicyChoices other) {
        other.byDevice.forEach((d, kinds) -> kinds.forEach((k, c) -> {
            Choice mine = byDevice.computeIfAbsent(d, x -> new EnumMap<>(PolicyKind.class)).computeIfAbsent(k, x -> new Choice());
            if (c.name != null) {
                mine.name = c.name;
            }
            mine.params.putAll(c.params);
        }));
    }

    boolean isEmpty() {
        return byDevice.isEmpty();
    }

    /**
     * Checks every choice against the registered policies, changing nothing.
     *
     * @throws ErrnoException {@code EINVAL} or {@code ENODEV} as {@link Policies#select}, naming the
     *     device; {@code EINVAL} for parameters without a policy name
     */
    void check(Policies policies) {
        byDevice.forEach((d, kinds) -> kinds.forEach((k, c) -> {
            String name = c.name != null ? c.name : policies.selected(d, k);
            try {
                policies.check(d, k, name, c.params);
            } catch (ErrnoException e) {
                throw new ErrnoException(e.errno(), d + ": " + e.detail());
            }
        }));
    }

    /** Applies every choice (after {@link #check}). */
    void apply(Policies policies) {
        byDevice.forEach((d, kinds) -> kinds.forEach((k, c) ->
                policies.select(d, k, c.name != null ? c.name : policies.selected(d, k), c.params)));
    }

    /**
     * Reads a workload file's {@code policies: {DEVICE: {KIND: NAME, KIND.PARAM: VALUE}}}, each device's
     * choices checked against {@code registry} (unchecked when it is null).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} naming the file and the line
     */
    static PolicyChoices parse(String file, Node n, java.util.function.Function<String, String> deviceKind,
            accelmm.api.policy.Policies registry) {
        String what = "'policies': a mapping of device names to {eviction|prefetch|thrashing: NAME, KIND.PARAM: VALUE}";
        if (!(n instanceof MappingNode m)) {
            throw WorkloadFile.error(file, WorkloadFile.line(n), what);
        }
        PolicyChoices all = new PolicyChoices();
        for (NodeTuple t : m.getValue()) {
            String device = WorkloadFile.string(file, t.getKeyNode(), "a device name");
            if (deviceKind.apply(device) == null) {
                throw WorkloadFile.error(file, WorkloadFile.line(t.getKeyNode()), "a configured device (see dev:list), not '" + device + "'");
            }
            if (!(t.getValueNode() instanceof MappingNode kinds)) {
                throw WorkloadFile.error(file, WorkloadFile.line(t.getValueNode()), what);
            }
            PolicyChoices one = new PolicyChoices();
            for (NodeTuple k : kinds.getValue()) {
                String key = WorkloadFile.string(file, k.getKeyNode(), "eviction, prefetch, thrashing or KIND.PARAM");
                try {
                    one.add(device, key, WorkloadFile.string(file, k.getValueNode(), "a policy name or a parameter value"));
                } catch (accelmm.api.ErrnoException e) {
                    throw new accelmm.api.ErrnoException(e.errno(), file + ":" + WorkloadFile.line(k.getKeyNode()) + ": " + e.detail());
                }
            }
            if (registry != null) {
                try {
                    one.check(registry);
                } catch (accelmm.api.ErrnoException e) {
                    throw new accelmm.api.ErrnoException(e.errno(), file + ":" + WorkloadFile.line(t.getKeyNode()) + ": " + e.detail());
                }
            }
            all.addAll(one);
        }
        return all;
    }
}
