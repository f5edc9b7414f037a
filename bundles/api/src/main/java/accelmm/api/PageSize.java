package accelmm.api;

/**
 * Page-size constants of the simulated machine: 4 KiB base pages, 2 MiB and 1 GiB huge pages.
 *
 * <p>Concurrency: constants only.
 */
public final class PageSize {
    /** log2 of the base page size. */
    public static final int PAGE_SHIFT = 12;
    /** The base page size, 4 KiB. */
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** Mask that clears the offset inside a base page. */
    public static final long PAGE_MASK = ~(PAGE_SIZE - 1);
    /** log2 of a PMD-level huge page. */
    public static final int PMD_SHIFT = 21;
    /** A 2 MiB huge page. */
    public static final long PMD_SIZE = 1L << PMD_SHIFT;
    /** log2 of a PUD-level giant page. */
    public static final int PUD_SHIFT = 30;
    /** A 1 GiB giant page. */
    public static final long PUD_SIZE = 1L << PUD_SHIFT;

    private PageSize() {
    }

    /** Rounds {@code addr} up to the next page boundary; the caller checks for wrap-around. */
    public static long pageAlign(long addr) {
        return (addr + PAGE_SIZE - 1) & PAGE_MASK;
    }

    /** Returns true if {@code addr} is a multiple of the base page size. */
    public static boolean isPageAligned(long addr) {
        return (addr & (PAGE_SIZE - 1)) == 0;
    }
}
