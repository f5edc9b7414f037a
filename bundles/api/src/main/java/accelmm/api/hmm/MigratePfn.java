package accelmm.api.hmm;

/**
 * The bits of a {@code migrate_vma} src/dst entry ({@code MIGRATE_PFN_*}), with the page's memory
 * node and frame number.
 *
 * <p>Concurrency: constants and pure functions.
 */
public final class MigratePfn {
    /** The entry names a page. */
    public static final long VALID = 1L;
    /** The page is collected and will migrate (cleared when it cannot). */
    public static final long MIGRATE = 1L << 1;
    /** The CPU mapping was writable. */
    public static final long WRITE = 1L << 3;
    /** The page is device-private memory. */
    public static final long DEVICE = 1L << 4;
    /** Shift of the frame number. */
    public static final int PFN_SHIFT = 6;
    /** Shift of the node id. */
    public static final int NODE_SHIFT = 46;

    private MigratePfn() {
    }

    /** An entry naming frame {@code pfn} of node {@code node}. */
    public static long of(int node, long pfn) {
        return VALID | ((long) node << NODE_SHIFT) | (pfn << PFN_SHIFT);
    }

    /** Returns the frame number. */
    public static long pfn(long entry) {
        return (entry >>> PFN_SHIFT) & ((1L << (NODE_SHIFT - PFN_SHIFT)) - 1);
    }

    /** Returns the node id. */
    public static int node(long entry) {
        return (int) (entry >>> NODE_SHIFT) & 0x3ffff;
    }

    /** Returns true if the entry names a page. */
    public static boolean valid(long entry) {
        return (entry & VALID) != 0;
    }

    /** Returns true if the entry is collected for migration. */
    public static boolean migrate(long entry) {
        return (entry & MIGRATE) != 0;
    }
}
