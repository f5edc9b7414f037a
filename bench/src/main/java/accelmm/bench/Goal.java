package accelmm.bench;

/**
 * A speed or memory goal: {@code numerator / denominator <= target} (or {@code >=}), both measured
 * in the same run.
 *
 * @param name what {@code bench/run} prints
 * @param numerator the result key of the measured benchmark
 * @param denominator the result key of its peer
 * @param op {@code <=} or {@code >=}
 * @param target the bound
 */
record Goal(String name, String numerator, String denominator, String op, double target) {
    /** Returns true if {@code ratio} meets the goal. */
    boolean met(double ratio) {
        return op.equals("<=") ? ratio <= target : ratio >= target;
    }

    /** Formats the line {@code ratio <name> <value> <op> <target> PASS|FAIL}. */
    String line(double ratio) {
        return String.format(java.util.Locale.ROOT, "ratio %s %.3f %s %s %s", name, ratio, op,
                trim(target), met(ratio) ? "PASS" : "FAIL");
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
