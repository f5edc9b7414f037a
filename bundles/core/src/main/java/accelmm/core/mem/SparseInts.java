package accelmm.core.mem;

/**
 * An array of ints indexed by a long, every element 0 until written, whose storage comes in
 * segments of {@value #SEGMENT} elements made on the first non-zero write into them: per-frame
 * state of a node costs memory for the part of the node that was used, not for its size (the
 * kernel's sparse memory model, with sections made when memory comes online).
 *
 * <p>Concurrency: not thread-safe; the owner serializes callers.
 */
final class SparseInts {
    static final int SHIFT = 12;
    static final int SEGMENT = 1 << SHIFT;
    private static final int MASK = SEGMENT - 1;
    private final int[][] segments;
    private int made;

    /** Creates an array of {@code length} zeros. */
    SparseInts(long length) {
        segments = new int[(int) ((length + MASK) >>> SHIFT)][];
    }

    int get(long i) {
        int[] s = segments[(int) (i >>> SHIFT)];
        return s == null ? 0 : s[(int) i & MASK];
    }

    void set(long i, int v) {
        int[] s = segments[(int) (i >>> SHIFT)];
        if (s == null) {
            if (v == 0) {
                return;
            }
            s = segments[(int) (i >>> SHIFT)] = new int[SEGMENT];
            made++;
        }
        s[(int) i & MASK] = v;
    }

    /** Adds {@code d} to element {@code i}; returns the new value. */
    int add(long i, int d) {
        int v = get(i) + d;
        set(i, v);
        return v;
    }

    /** True if the segment holding {@code i} was ever written: every element outside such segments is 0. */
    boolean present(long i) {
        return segments[(int) (i >>> SHIFT)] != null;
    }

    /** Returns the bytes the array holds: its segments and their index. */
    long bytes() {
        return (long) made * SEGMENT * Integer.BYTES + (long) segments.length * 4;
    }
}
