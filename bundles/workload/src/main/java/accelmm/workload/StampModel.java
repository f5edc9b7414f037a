package accelmm.workload;

import java.util.Arrays;

/**
 * What the pages of a buffer must hold in stamps mode: one stamp a page ({@link
 * accelmm.api.mm.Stamps}; 0 for a page never written), kept in parts of {@link #PART_PAGES} made on
 * the first write into them, so that a 16 GiB buffer costs 32 MiB. A page a step wrote as bytes
 * (a GNA layer and its outputs) keeps its bytes here too, and its stamp is the one
 * {@link accelmm.api.mm.Stamps#ofBytes} gives them, which is what the page reads back as.
 *
 * <p>Concurrency: one thread (the session's).
 */
final class StampModel {
    /** The pages of one part, and the most one access moves at once: 1 GiB. */
    static final int PART_PAGES = 1 << 18;
    private final long pages;
    private final long[][] parts;
    private final java.util.Map<Long, byte[]> bytePages = new java.util.HashMap<>();

    StampModel(long pages) {
        this.pages = pages;
        this.parts = new long[(int) ((pages + PART_PAGES - 1) / PART_PAGES)][];
    }

    long pages() {
        return pages;
    }

    /** The 4096 bytes page {@code page} must read as. */
    byte[] pageBytes(long page) {
        byte[] b = bytePages.get(page);
        if (b != null) {
            return b.clone();
        }
        long s = stamp(page);
        return s == 0 ? new byte[4096] : accelmm.api.mm.Stamps.page(s);
    }

    /** Records that page {@code page} now holds these 4096 bytes. */
    void putBytes(long page, byte[] bytes) {
        put(page, new long[] {accelmm.api.mm.Stamps.ofBytes(bytes)});
        bytePages.put(page, bytes.clone());
    }

    private long stamp(long page) {
        long[] p = parts[(int) (page / PART_PAGES)];
        return p == null ? 0 : p[(int) (page % PART_PAGES)];
    }

    /** Records that pages [first, first + stamps.length) now hold {@code stamps}. */
    void put(long first, long[] stamps) {
        for (long pg = first; pg < first + stamps.length && !bytePages.isEmpty(); pg++) {
            bytePages.remove(pg);
        }
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
        bytePages.forEach((pg, b) -> {
            if (pg < newPages) {
                m.bytePages.put(pg, b);
            }
        });
        return m;
    }
}
