package accelmm.workload;

import java.util.Arrays;

/**
 * What a buffer must hold: its bytes as the writes left them, kept in parts of {@link #PART} bytes
 * made on the first write into them (an unwritten part is zero), so that a buffer may be larger
 * than a Java array and costs the heap only where it was written.
 *
 * <p>Concurrency: one thread (the session's).
 */
final class Expected {
    /** The bytes of one part, and the most one access moves at once. */
    static final int PART = 64 << 20;
    private final long size;
    private final byte[][] parts;

    Expected(long size) {
        this.size = size;
        this.parts = new byte[(int) ((size + PART - 1) / PART)][];
    }

    long size() {
        return size;
    }

    /** The bytes of [off, off + len), len at most {@link #PART}. */
    byte[] copy(long off, int len) {
        byte[] out = new byte[len];
        for (int done = 0; done < len;) {
            long at = off + done;
            byte[] p = parts[(int) (at / PART)];
            int in = (int) (at % PART);
            int n = Math.min(len - done, PART - in);
            if (p != null) {
                System.arraycopy(p, in, out, done, n);
            }
            done += n;
        }
        return out;
    }

    /**
     * The part that [off, off + len) is exactly, made if need be, for a writer to fill in place;
     * null if the window is not one whole part.
     */
    byte[] wholePart(long off, int len) {
        if (off % PART != 0 || len != Math.min(PART, size - off)) {
            return null;
        }
        int pi = (int) (off / PART);
        if (parts[pi] == null) {
            parts[pi] = new byte[len];
        }
        return parts[pi];
    }

    /** Records that [off, off + len) now holds {@code len} bytes of {@code value}. */
    void fill(long off, long len, byte value) {
        for (long done = 0; done < len;) {
            long at = off + done;
            int pi = (int) (at / PART);
            if (parts[pi] == null) {
                parts[pi] = new byte[(int) Math.min(PART, size - (long) pi * PART)];
            }
            int in = (int) (at % PART);
            int n = (int) Math.min(len - done, PART - in);
            Arrays.fill(parts[pi], in, in + n, value);
            done += n;
        }
    }

    /** Records that [off, off + src.length) now holds {@code src}. */
    void put(long off, byte[] src) {
        for (int done = 0; done < src.length;) {
            long at = off + done;
            int pi = (int) (at / PART);
            if (parts[pi] == null) {
                parts[pi] = new byte[(int) Math.min(PART, size - (long) pi * PART)];
            }
            int in = (int) (at % PART);
            int n = Math.min(src.length - done, PART - in);
            System.arraycopy(src, done, parts[pi], in, n);
            done += n;
        }
    }

    /** A copy of this model, {@code newSize} long: cut, or grown with zeros. */
    Expected resized(long newSize) {
        Expected e = new Expected(newSize);
        for (int i = 0; i < e.parts.length && i < parts.length; i++) {
            if (parts[i] != null) {
                e.parts[i] = Arrays.copyOf(parts[i], (int) Math.min(PART, newSize - (long) i * PART));
            }
        }
        return e;
    }

    /** True if [off, off + seen.length) holds exactly {@code seen}; compares in place. */
    boolean matches(long off, byte[] seen) {
        return matches(off, seen, seen.length);
    }

    /** True if [off, off + len) holds exactly the first {@code len} bytes of {@code seen}. */
    boolean matches(long off, byte[] seen, int len) {
        for (int done = 0; done < len;) {
            long at = off + done;
            byte[] p = parts[(int) (at / PART)];
            int in = (int) (at % PART);
            int n = Math.min(len - done, PART - in);
            if (p != null ? !Arrays.equals(p, in, in + n, seen, done, done + n) : !zero(seen, done, n)) {
                return false;
            }
            done += n;
        }
        return true;
    }

    private static final byte[] ZEROS = new byte[64 << 10];

    private static boolean zero(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i += ZEROS.length) {
            int m = Math.min(ZEROS.length, from + n - i);
            if (!Arrays.equals(b, i, i + m, ZEROS, 0, m)) {
                return false;
            }
        }
        return true;
    }
}
