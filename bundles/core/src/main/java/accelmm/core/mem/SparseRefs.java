package accelmm.core.mem;

/**
 * An array of references and longs side by side, indexed by a long, every element null and 0 until
 * written, stored in segments of 4096 made on the first write, as {@link SparseInts}: where each
 * frame of a device is mapped costs memory for the frames that are.
 *
 * <p>Concurrency: not thread-safe; the owner serializes callers.
 *
 * @param <T> the reference type
 */
public final class SparseRefs<T> {
    private static final int SHIFT = 12;
    private static final int MASK = (1 << SHIFT) - 1;
    private final Object[][] refs;
    private final long[][] longs;

    /** Creates an array of {@code length} (null, 0) pairs. */
    public SparseRefs(long length) {
        int n = (int) ((length + MASK) >>> SHIFT);
        refs = new Object[n][];
        longs = new long[n][];
    }

    /** Returns the reference at {@code i}. */
    @SuppressWarnings("unchecked")
    public T ref(long i) {
        Object[] s = refs[(int) (i >>> SHIFT)];
        return s == null ? null : (T) s[(int) i & MASK];
    }

    /** Returns the long at {@code i}. */
    public long value(long i) {
        long[] s = longs[(int) (i >>> SHIFT)];
        return s == null ? 0 : s[(int) i & MASK];
    }

    /** Sets the pair at {@code i}. */
    public void set(long i, T ref, long value) {
        int seg = (int) (i >>> SHIFT);
        if (refs[seg] == null) {
            if (ref == null && value == 0) {
                return;
            }
            refs[seg] = new Object[MASK + 1];
            longs[seg] = new long[MASK + 1];
        }
        refs[seg][(int) i & MASK] = ref;
        longs[seg][(int) i & MASK] = value;
    }
}
