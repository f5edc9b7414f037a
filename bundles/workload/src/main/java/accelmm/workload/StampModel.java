package accelmm.workload;

import java.util.Arrays;

/**
 * What the pages of a buffer must hold in stamps mode: one stamp a page ({@link
 * accelmm.api.mm.Stamps}; 0 for a page never written), kept in parts of {@link #PART_PAGES} made on
 * the first write into them, so that a 16 GiB buffer costs 32 MiB.
 *
 * <p>Concurrency: one thread (the session's).
 */
final class StampModel {
    /** The pages of one part, and the most one access moves at once: 1 GiB. */
    static final int PART_PAGES = 1 << 18;
    private final long pages;
    private final long[][] parts;

    StampModel(long pages) {
        this.pages = pages;
        this.parts = new long[(int) ((pages + PART_PAGES - 1) / PART_PAGES)][];
    }

    long pages() {
        return pages;
    }

    /** Records that pages [first, first + stamps.length) now hold {@code stamps}. */
    void put(long first, long[] stamps) {
        for (int done = 0; done < stamps.length;) {
            long at = first + done;
            int pi = (int) (at / PART_PAGES);
            if (parts[pi] == null) {
                parts[pi] = new long[(int) Math.min(PART_PAGES, pages - (long) pi * PART_PAGES)];
            }
            int in = (int) (at % PART_PAGES);
            int n = Math.min(stamps.length - done, PART_PAGES - in);
            System.arraycopy(stamps, done, parts[pi], in, n);
            done += n;
        }
    }

    /** True if pages [first, first + seen.length) hold exactly {@code seen}. */
    boolean matches(long first, long[] seen) {
        for (int done = 0; done < seen.length;) {
            long at = first + done;
            long[] p = parts[(int) (at / PART_PAGES)];
            int in = (int) (at % PART_PAGES);
            int n = Math.min(seen.length - done, PART_PAGES - in);
            for (int i = 0; i < n; i++) {
                if ((p == null ? 0 : p[in + i]) != seen[done + i]) {
                    return false;
                }
            }
            done += n;
        }
        return true;
    }

    /** A copy of this model, {@code newPages} long: cut, or grown with never-written pages. */
    StampModel resized(long newPages) {
        StampModel m = new StampModel(newPages);
        for (int i = 0; i < m.parts.length && i < parts.length; i++) {
            if (parts[i] != null) {
                m.parts[i] = Arrays.copyOf(parts[i], (int) Math.min(PART_PAGES, newPages - (long) i * PART_PAGES));
            }
        }
        return m;
    }
}
