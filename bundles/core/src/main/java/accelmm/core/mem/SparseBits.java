package accelmm.core.mem;

/**
 * A bitmap as an array of 64-bit words indexed by an int, every word 0 until a bit is set, stored in
 * segments of 512 words made on the first set bit, as {@link SparseInts}. {@link #nextSegment}
 * lets a scan skip the words of segments never made.
 *
 * <p>Concurrency: not thread-safe; the owner serializes callers.
 */
final class SparseBits {
    static final int SHIFT = 9;
    static final int WORDS = 1 << SHIFT;
    private static final int MASK = WORDS - 1;
    private final long[][] segments;
    private final int words;
    private int made;

    /** Creates a bitmap of {@code words} zero words. */
    SparseBits(int words) {
        this.words = words;
        segments = new long[(words + MASK) >>> SHIFT][];
    }

    /** Returns the number of words. */
    int length() {
        return words;
    }

    long word(int w) {
        long[] s = segments[w >>> SHIFT];
        return s == null ? 0 : s[w & MASK];
    }

    void setBit(long bit) {
        int w = (int) (bit >>> 6);
        long[] s = segments[w >>> SHIFT];
        if (s == null) {
            s = segments[w >>> SHIFT] = new long[WORDS];
            made++;
        }
        s[w & MASK] |= 1L << bit;
    }

    void clearBit(long bit) {
        int w = (int) (bit >>> 6);
        long[] s = segments[w >>> SHIFT];
        if (s != null) {
            s[w & MASK] &= ~(1L << bit);
        }
    }

    /** True if the segment of word {@code w} was never made: its words are all 0. */
    boolean absent(int w) {
        return segments[w >>> SHIFT] == null;
    }

    /** The first word of the segment after the one holding {@code w}. */
    static int nextSegment(int w) {
        return (w | MASK) + 1;
    }

    /** The last word of the segment before the one holding {@code w}. */
    static int previousSegment(int w) {
        return (w & ~MASK) - 1;
    }

    /** Returns the number of set bits. */
    long bitCount() {
        long n = 0;
        for (long[] s : segments) {
            if (s != null) {
                for (long w : s) {
                    n += Long.bitCount(w);
                }
            }
        }
        return n;
    }

    /** Returns the bytes the bitmap holds: its segments and their index. */
    long bytes() {
        return (long) made * WORDS * Long.BYTES + (long) segments.length * 4;
    }
}
