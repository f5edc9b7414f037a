package accelmm.api.mm;

/**
 * {@code mmap} flags ({@code MAP_*}, Linux values).
 *
 * <p>Concurrency: constants only.
 */
public final class MapFlags {
    /** Changes are shared with every mapping of the same object. */
    public static final int SHARED = 0x01;
    /** Changes are private (copy-on-write). */
    public static final int PRIVATE = 0x02;
    /** Place the mapping exactly at the address, replacing what is there. */
    public static final int FIXED = 0x10;
    /** Not backed by a file; zero-filled. */
    public static final int ANONYMOUS = 0x20;
    /** Fault every page in at once. */
    public static final int POPULATE = 0x8000;
    /** Like {@link #FIXED} but fail with {@code EEXIST} instead of replacing. */
    public static final int FIXED_NOREPLACE = 0x100000;
    /** Anonymous memory in huge pages of the hugetlb pool ({@code MAP_HUGETLB}). */
    public static final int HUGETLB = 0x40000;
    /** Where the log2 of the huge page size sits in the flags ({@code MAP_HUGE_SHIFT}); 0 there is the default size. */
    public static final int HUGE_SHIFT = 26;
    /** The bits of the huge page size's log2 ({@code MAP_HUGE_MASK}, shifted). */
    public static final int HUGE_MASK = 0x3f << HUGE_SHIFT;
    /** 2 MiB huge pages ({@code MAP_HUGE_2MB}). */
    public static final int HUGE_2MB = 21 << HUGE_SHIFT;
    /** 1 GiB huge pages ({@code MAP_HUGE_1GB}); no pool of them is configured here, so it is {@code EINVAL}. */
    public static final int HUGE_1GB = 30 << HUGE_SHIFT;
    /** Every flag accepted. */
    public static final int VALID = SHARED | PRIVATE | FIXED | ANONYMOUS | POPULATE | FIXED_NOREPLACE | HUGETLB | HUGE_MASK;

    private MapFlags() {
    }
}
