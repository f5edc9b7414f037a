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
    /** Every flag accepted. */
    public static final int VALID = SHARED | PRIVATE | FIXED | ANONYMOUS | POPULATE | FIXED_NOREPLACE;

    private MapFlags() {
    }
}
