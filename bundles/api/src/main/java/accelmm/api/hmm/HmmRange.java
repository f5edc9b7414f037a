package accelmm.api.hmm;

import accelmm.api.Errno;
import accelmm.api.notifier.IntervalNotifier;

/**
 * The input and output of a range fault ({@code struct hmm_range}): {@code [start, end)} of the
 * notifier's address space, one {@code pfns} entry per page (requests in, results out), the
 * default request flags and the mask applied to per-page requests, and the owner whose
 * device-private pages are reported in place.
 *
 * <p>Concurrency: owned by one caller at a time; set {@link #notifierSeq} from
 * {@link IntervalNotifier#readBegin()} before each attempt.
 */
public final class HmmRange {
    /** The notifier covering the range. */
    public final IntervalNotifier notifier;
    /** The first address, page aligned. */
    public final long start;
    /** One past the last address, page aligned. */
    public final long end;
    /** One entry per page: requests in, results out. */
    public final long[] pfns;
    /** Requests applied to every page. */
    public long defaultFlags;
    /**
     * Which bits of each {@code pfns} entry count as requests; 0 (the default) ignores their
     * contents, so an uninitialised array cannot ask for random faults.
     */
    public long pfnFlagsMask;
    /** The owner whose device-private pages are reported without migrating them, or null. */
    public Object devPrivateOwner;
    /** The sequence from {@link IntervalNotifier#readBegin()} this attempt runs under. */
    public long notifierSeq;

    /**
     * Creates a range with an output array of the right size.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a null notifier, an unaligned or empty
     *     range, or one that does not fit an array
     */
    public HmmRange(IntervalNotifier notifier, long start, long end) {
        if (notifier == null || (start & 0xfff) != 0 || (end & 0xfff) != 0 || end <= start
                || ((end - start) >>> 12) > Integer.MAX_VALUE - 8) {
            throw Errno.EINVAL.exception("bad hmm range [" + start + ", " + end + ")");
        }
        this.notifier = notifier;
        this.start = start;
        this.end = end;
        this.pfns = new long[(int) ((end - start) >>> 12)];
    }

    /** Returns the number of pages. */
    public int pages() {
        return pfns.length;
    }
}
