package accelmm.core.mem;

/**
 * An array of bytes indexed by a long, every element 0 until written, stored in segments made on
 * the first non-zero write, as {@link SparseInts}.
 *
 * <p>Concurrency: not thread-safe; the owner serializes callers.
 */
final class SparseBytes {
    private static final int SHIFT = 12;
    private static final int MASK = (1 << SHIFT) - 1;
    private final byte[][] segments;
    private int made;

    /** Creates an array of {@code length} zeros. */
    SparseBytes(long length) {
        segments = new byte[(int) ((length + MASK) >>> SHIFT)][];
    }

    byte get(long i) {
        byte[] s = segments[(int) (i >>> SHIFT)];
        return s == null ? 0 : s[(int) i & MASK];
    }

    void set(long i, byte v) {
        byte[] s = segments[(int) (i >>> SHIFT)];
        if (s == null) {
            if (v == 0) {
                return;
            }
            s = segments[(int) (i >>> SHIFT)] = new byte[MASK + 1];
            made++;
        }
        s[(int) i & MASK] = v;
    }

    /** The first index in [from, to) whose byte is not 0, or -1; skips segments never made. */
    long firstNonZero(long from, long to) {
        long i = from;
        while (i < to) {
            byte[] s = segments[(int) (i >>> SHIFT)];
            long segEnd = Math.min(to, ((i >>> SHIFT) + 1) << SHIFT);
            if (s != null) {
                for (; i < segEnd; i++) {
                    if (s[(int) i & MASK] != 0) {
                        return i;
                    }
                }
            }
            i = segEnd;
        }
        return -1;
    }

    /** Returns the bytes the array holds: its segments and their index. */
    long bytes() {
        return (long) made * (MASK + 1) + (long) segments.length * 4;
    }
}
