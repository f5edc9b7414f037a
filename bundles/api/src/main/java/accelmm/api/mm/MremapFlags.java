package accelmm.api.mm;

/**
 * {@code mremap} flags ({@code MREMAP_*}, Linux values).
 *
 * <p>Concurrency: constants only.
 */
public final class MremapFlags {
    /** The mapping may move if it cannot grow in place. */
    public static final int MAYMOVE = 1;
    /** Move to exactly the new address (needs {@link #MAYMOVE}). */
    public static final int FIXED = 2;
    /** Move the pages but leave the old range mapped and empty (needs {@link #MAYMOVE}). */
    public static final int DONTUNMAP = 4;

    private MremapFlags() {
    }
}
