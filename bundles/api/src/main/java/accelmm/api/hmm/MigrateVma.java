package accelmm.api.hmm;

import accelmm.api.Errno;

/**
 * The arguments of a migration of {@code [start, end)} ({@code struct migrate_vma}): which pages to
 * collect, and per page the source found and the destination the driver provides.
 *
 * <p>Concurrency: owned by one caller.
 */
public final class MigrateVma {
    /** Collect system (host) pages. */
    public static final int SELECT_SYSTEM = 1;
    /** Collect device-private pages whose pagemap owner is {@link #pgmapOwner}. */
    public static final int SELECT_DEVICE_PRIVATE = 2;
    /** Collect device-coherent pages whose pagemap owner is {@link #pgmapOwner} ({@code MIGRATE_VMA_SELECT_DEVICE_COHERENT}). */
    public static final int SELECT_DEVICE_COHERENT = 4;

    /** First address, page aligned. */
    public final long start;
    /** One past the last address, page aligned. */
    public final long end;
    /** Per page, filled by the collection: {@link MigratePfn} bits of the source. */
    public final long[] src;
    /** Per page, filled by the driver: the destination page, or 0 to skip the page. */
    public final long[] dst;
    /** Which pages to collect. */
    public final int flags;
    /** The owner whose device-private pages are collected, and who is named in the MIGRATE invalidation. */
    public final Object pgmapOwner;
    /** How many pages were collected. */
    public long cpages;

    /**
     * Creates the arguments.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unaligned or empty range or no
     *     selection flag
     */
    public MigrateVma(long start, long end, int flags, Object pgmapOwner) {
        if ((start & 0xfff) != 0 || (end & 0xfff) != 0 || end <= start || ((end - start) >>> 12) > 1 << 20
                || (flags & (SELECT_SYSTEM | SELECT_DEVICE_PRIVATE | SELECT_DEVICE_COHERENT)) == 0 || (flags & ~7) != 0) {
            throw Errno.EINVAL.exception("bad migrate_vma range or flags");
        }
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.pgmapOwner = pgmapOwner;
        int n = (int) ((end - start) >>> 12);
        this.src = new long[n];
        this.dst = new long[n];
    }

    /** Returns the number of pages. */
    public int pages() {
        return src.length;
    }
}
