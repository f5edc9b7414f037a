package accelmm.api.policy;

import java.util.List;

/**
 * A registered policy as {@code policy:list} shows it.
 *
 * <p>Concurrency: immutable.
 *
 * @param kind its kind
 * @param name its name
 * @param bundle the symbolic name of the bundle that registered it
 * @param summary its one-line summary
 * @param params its parameters
 * @param devices the devices that use it now (by selection, or as the default), sorted
 */
public record PolicyInfo(PolicyKind kind, String name, String bundle, String summary, List<PolicyParam> params,
        List<String> devices) {
    /** Copies the lists. */
    public PolicyInfo {
        params = List.copyOf(params);
        devices = List.copyOf(devices);
    }
}
