package accelmm.bench;

import java.util.Locale;

/**
 * A speed or memory goal that {@code bench/run} prints as
 * {@code ratio <name> <value> <op> <target> PASS|FAIL}.
 *
 * @param name the goal
 * @param op {@code <=} or {@code >=}
 * @param target the bound
 */
record Goal(String name, String op, double target) {
    /** Returns true if {@code value} meets the goal. */
    boolean met(double value) {
        return op.equals("<=") ? value <= target : value >= target;
    }

    /** Formats the line. */
    String line(double value) {
        String v = value >= 1000 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.3f", value);
        String t = target == Math.rint(target) ? Long.toString((long) target) : Double.toString(target);
        return "ratio " + name + " " + v + " " + op + " " + t + " " + (met(value) ? "PASS" : "FAIL");
    }
}
