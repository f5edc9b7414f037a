package accelmm.core.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import accelmm.api.Errno;
import accelmm.api.policy.Policy;
import accelmm.api.policy.PolicyParam;
import accelmm.api.policy.PolicyParams;

/**
 * A policy's parameter values on one device, checked against the policy's ranges.
 *
 * <p>Concurrency: immutable.
 */
final class Params implements PolicyParams {
    private final long[] values;

    private Params(long[] values) {
        this.values = values;
    }

    @Override
    public long get(int index) {
        return values[index];
    }

    /**
     * Reads {@code raw} (parameter name to value) for {@code policy}; absent ones take their defaults.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown name or a value that is not a
     *     whole number in range
     */
    static Params of(Policy policy, Map<String, String> raw) {
        List<PolicyParam> params = policy.params();
        long[] v = new long[params.size()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            PolicyParam p = params.get(i);
            names.add(p.name());
            String s = raw.get(p.name());
            if (s == null) {
                v[i] = p.defaultValue();
                continue;
            }
            try {
                v[i] = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw Errno.EINVAL.exception(where(policy, p.name()) + ": '" + s + "' is not a whole number");
            }
            if (v[i] < p.min() || v[i] > p.max()) {
                throw Errno.EINVAL.exception(where(policy, p.name()) + ": " + v[i] + " is out of range (" + p.min() + " to "
                        + p.max() + ")");
            }
        }
        for (String k : new TreeSet<>(raw.keySet())) {
            if (!names.contains(k)) {
                throw Errno.EINVAL.exception(where(policy, k) + ": unknown parameter; " + policy.name() + " takes "
                        + (names.isEmpty() ? "none" : String.join(", ", names)));
            }
        }
        return new Params(v);
    }

    private static String where(Policy policy, String param) {
        return "policy." + policy.kind().label() + "." + param + " (" + policy.name() + ")";
    }
}
