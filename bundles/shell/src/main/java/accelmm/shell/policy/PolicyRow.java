package accelmm.shell.policy;

import java.util.List;

import accelmm.api.policy.PolicyInfo;
import accelmm.api.policy.PolicyParam;
import accelmm.shell.format.TableRow;

/**
 * A policy as {@code policy:list} shows it.
 *
 * <p>Concurrency: immutable.
 *
 * @param info the policy
 */
public record PolicyRow(PolicyInfo info) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("KIND", "NAME", "BUNDLE", "DEVICES", "PARAMETERS");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        StringBuilder p = new StringBuilder();
        for (PolicyParam x : info.params()) {
            p.append(p.length() == 0 ? "" : " ").append(x.name()).append('=').append(x.defaultValue());
        }
        return List.of(info.kind().label(), info.name(), info.bundle(),
                info.devices().isEmpty() ? "-" : String.join(",", info.devices()), p.length() == 0 ? "-" : p.toString());
    }
}
