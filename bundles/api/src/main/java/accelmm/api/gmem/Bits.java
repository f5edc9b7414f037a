package accelmm.api.gmem;

/**
 * Names the bits of a flag word.
 *
 * <p>Concurrency: stateless.
 */
final class Bits {
    private Bits() {
    }

    /** Returns the names of the bits of {@code flags} joined by {@code |}, or {@code -} for none. */
    static String describe(int flags, int[] bits, String[] names) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < bits.length; i++) {
            if ((flags & bits[i]) != 0) {
                s.append(s.isEmpty() ? "" : "|").append(names[i]);
            }
        }
        return s.isEmpty() ? "-" : s.toString();
    }
}
