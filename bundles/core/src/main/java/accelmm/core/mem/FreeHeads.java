package accelmm.core.mem;

/**
 * The free block heads of a buddy allocator, one bitmap per order (bit {@code chunk >>> order}),
 * each with its count and two search hints: the lowest and highest words that may hold a free
 * head, so that taking the lowest (or, top-down, the highest) does not rescan emptied words.
 * The bitmaps are sparse: segments are made where blocks were freed.
 *
 * <p>Concurrency: not thread-safe; the allocator's owner serializes callers.
 */
final class FreeHeads {
    private final SparseBits[] free;
    private final int[] lowHint;
    private final int[] highHint;
    private final long[] count;

    FreeHeads(long chunks, int maxOrder) {
        free = new SparseBits[maxOrder + 1];
        lowHint = new int[maxOrder + 1];
        highHint = new int[maxOrder + 1];
        count = new long[maxOrder + 1];
        for (int o = 0; o <= maxOrder; o++) {
            free[o] = new SparseBits((int) (((chunks >>> o) + 63) >>> 6));
            lowHint[o] = free[o].length();
            highHint[o] = -1;
        }
    }

    private SparseBits bits(int o) {
        return free[o];
    }

    /** Marks the block of order {@code o} at {@code chunk} free. */
    void add(long chunk, int o) {
        long bit = chunk >>> o;
        int w = (int) (bit >>> 6);
        free[o].setBit(bit);
        count[o]++;
        if (w < lowHint[o]) {
            lowHint[o] = w;
        }
        if (w > highHint[o]) {
            highHint[o] = w;
        }
    }

    /** Marks the block of order {@code o} at {@code chunk} taken. */
    void remove(long chunk, int o) {
        free[o].clearBit(chunk >>> o);
        count[o]--;
    }

    /** True if bit {@code bit} of order {@code o} is set. */
    boolean has(long bit, int o) {
        return (free[o].word((int) (bit >>> 6)) & (1L << bit)) != 0;
    }

    /** The free blocks of order {@code o}. */
    long count(int o) {
        return count[o];
    }

    /**
     * Checks each order's count against its bitmap and against {@code seen}, the free blocks a
     * walk of the allocator found; null if they agree, else the first order that does not.
     */
    String check(long[] seen) {
        for (int o = 0; o < free.length; o++) {
            long bits = free[o].bitCount();
            if (bits != count[o] || seen[o] != count[o]) {
                return "order " + o + ": count " + count[o] + ", bitmap " + bits + ", blocks " + seen[o];
            }
        }
        return null;
    }

    /** The bytes of the bitmaps made so far. */
    long bytes() {
        long b = 0;
        for (SparseBits f : free) {
            b += f.bytes();
        }
        return b;
    }

    /** The lowest (or highest) free head of order {@code o} inside [lo, hi) chunks, or -1. */
    long find(int o, long lo, long hi, boolean topDown) {
        if (count[o] == 0) {
            return -1;
        }
        SparseBits bits = bits(o);
        long first = (lo + (1L << o) - 1) >>> o;
        long last = (hi >>> o) - 1;
        if (first > last) {
            return -1;
        }
        int w0 = (int) (first >>> 6);
        int w1 = (int) (last >>> 6);
        if (!topDown) {
            int w = Math.max(w0, lowHint[o]);
            boolean unbounded = w0 <= lowHint[o];
            for (; w <= w1; w++) {
                if (bits.absent(w)) {
                    w = SparseBits.nextSegment(w) - 1;
                    if (unbounded) {
                        lowHint[o] = w + 1;
                    }
                    continue;
                }
                long word = inRange(bits.word(w), w, w0, w1, first, last);
                if (word != 0) {
                    if (unbounded) {
                        lowHint[o] = w;
                    }
                    return (((long) w << 6) + Long.numberOfTrailingZeros(word)) << o;
                }
                if (unbounded && bits.word(w) == 0) {
                    lowHint[o] = w + 1;
                }
            }
        } else {
            int w = Math.min(w1, highHint[o]);
            boolean unbounded = w1 >= highHint[o];
            for (; w >= w0; w--) {
                if (bits.absent(w)) {
                    w = SparseBits.previousSegment(w) + 1;
                    if (unbounded) {
                        highHint[o] = w - 1;
                    }
                    continue;
                }
                long word = inRange(bits.word(w), w, w0, w1, first, last);
                if (word != 0) {
                    if (unbounded) {
                        highHint[o] = w;
                    }
                    return (((long) w << 6) + 63 - Long.numberOfLeadingZeros(word)) << o;
                }
                if (unbounded && bits.word(w) == 0) {
                    highHint[o] = w - 1;
                }
            }
        }
        return -1;
    }

    /** Clears the bits of word {@code w} that lie before bit {@code first} or after bit {@code last}. */
    private static long inRange(long word, int w, int w0, int w1, long first, long last) {
        if (w == w0) {
            word &= -1L << first;
        }
        if (w == w1 && (last & 63) != 63) {
            word &= (1L << ((last & 63) + 1)) - 1;
        }
        return word;
    }
}
