package accelmm.api.mm;

/**
 * Flags of a block allocation ({@code DRM_BUDDY_*_ALLOCATION}).
 *
 * <p>Concurrency: constants only.
 */
public final class BuddyFlags {
    /** Blocks must lie inside [start, end). */
    public static final int RANGE = 1;
    /** Highest addresses first. */
    public static final int TOPDOWN = 1 << 1;
    /** One physically contiguous block of the requested size. */
    public static final int CONTIGUOUS = 1 << 2;

    private BuddyFlags() {
    }
}
