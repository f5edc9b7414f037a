package accelmm.shell.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.Errno;
import accelmm.api.cli.Usage;
import accelmm.api.policy.Policies;
import accelmm.api.policy.PolicyInfo;
import accelmm.api.policy.PolicyKind;
import accelmm.shell.format.Field;
import accelmm.shell.format.Report;
import accelmm.shell.format.Rows;
import accelmm.shell.format.Section;

/**
 * Memory policy commands (scope {@code policy}): the registered policies and who uses them,
 * choosing one for a device while it runs, and what a device's policies did.
 *
 * <p>Concurrency: each command runs on the caller's thread; the registry locks itself.
 */
@Component(service = PolicyCommands.class, property = {
    "osgi.command.scope=policy",
    "osgi.command.function=list",
    "osgi.command.function=set",
    "osgi.command.function=stats"
})
public final class PolicyCommands {
    private final Policies policies;

    /** Creates the commands over the policy registry. */
    @Activate
    public PolicyCommands(@Reference Policies policies) {
        this.policies = policies;
    }

    /** Lists the registered policies. */
    @Descriptor("list memory policies: kind, name, the bundle that provides it, the devices using it, its parameters and defaults")
    public List<PolicyRow> list() {
        Rows<PolicyRow> rows = new Rows<>(PolicyRow.COLUMNS);
        for (PolicyInfo p : policies.list()) {
            rows.add(new PolicyRow(p));
        }
        return rows;
    }

    /**
     * Selects a policy for a device from the next decision on.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device; {@code EINVAL} for an
     *     unknown kind, policy or parameter, or a value out of range
     */
    @Descriptor("choose a device's eviction, prefetch or thrashing policy, with PARAM=VALUE parameters; takes effect at once")
    public String set(@Descriptor("device name") String device,
            @Descriptor("eviction, prefetch or thrashing") String kind,
            @Descriptor("policy name (policy:list shows them)") String name,
            @Descriptor("PARAM=VALUE parameters; the others take their defaults") String... params) {
        PolicyKind k = PolicyKind.of(kind);
        Map<String, String> p = new LinkedHashMap<>();
        for (String kv : params) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw Errno.EINVAL.exception("'" + kv + "' is not PARAM=VALUE");
            }
            p.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        policies.select(device, k, name, p);
        return device + " " + k.label() + " policy: " + name;
    }

    /**
     * Shows what a device's policies did.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("show a device's policies and what they did: evictions, prefetched pages used and wasted, thrashing, throttles, pins")
    public Report stats(@Descriptor("device name") String device) {
        Map<String, Long> s = policies.stats(device);
        List<Field> chosen = new ArrayList<>();
        for (PolicyKind k : PolicyKind.values()) {
            chosen.add(new Field(k.label(), policies.selected(device, k)));
        }
        List<Field> counters = new ArrayList<>();
        s.forEach((n, v) -> counters.add(new Field(n, Long.toString(v))));
        if (counters.isEmpty()) {
            counters.add(new Field("(no decision yet)", "-"));
        }
        return new Report(List.of(new Section("policies of " + device, null, chosen), new Section("decisions", null, counters)));
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "policy", args);
    }
}
