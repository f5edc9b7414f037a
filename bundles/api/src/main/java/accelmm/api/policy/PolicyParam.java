package accelmm.api.policy;

/**
 * One tunable of a policy, as a module parameter of the kernel driver it comes from: a whole number
 * with a default and a valid range.
 *
 * <p>Concurrency: immutable.
 *
 * @param name its key, lower case ({@code threshold}); configured as {@code policy.KIND.NAME}
 * @param defaultValue the value when none is configured
 * @param min the smallest valid value
 * @param max the largest valid value
 * @param help one sentence on what it does, with its unit
 */
public record PolicyParam(String name, long defaultValue, long min, long max, String help) {
    /** Checks the range holds its default. */
    public PolicyParam {
        if (min > max || defaultValue < min || defaultValue > max) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " outside [" + min + ", " + max + "]");
        }
    }
}
