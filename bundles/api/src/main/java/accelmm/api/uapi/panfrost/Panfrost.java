package accelmm.api.uapi.panfrost;

/**
 * Panfrost constants.
 *
 * <p>Concurrency: constants.
 */
public final class Panfrost {
    /** BO flag: the GPU never executes from it. */
    public static final int BO_NOEXEC = 1;
    /** BO flag: a heap, grown on GPU faults (must be NOEXEC). */
    public static final int BO_HEAP = 2;
    /** madvise: the pages are needed. */
    public static final int MADV_WILLNEED = 0;
    /** madvise: the pages may be reclaimed under memory pressure. */
    public static final int MADV_DONTNEED = 1;
    /** The lowest GPU address of a file. */
    public static final long VA_START = 32L << 20;
    /** One past the highest GPU address of a file. */
    public static final long VA_END = 4L << 30;
    /** The heap growth unit. */
    public static final long HEAP_BLOCK = 2L << 20;

    private Panfrost() {
    }
}
