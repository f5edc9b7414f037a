package accelmm.api.mm;

/**
 * The advice {@link AddressSpace#madvise} takes, with the kernel's values.
 *
 * <p>Concurrency: constants.
 */
public final class Madvise {
    /** {@code MADV_HUGEPAGE}: the range may get transparent huge pages, also when they are only given on advice. */
    public static final int HUGEPAGE = 14;
    /** {@code MADV_NOHUGEPAGE}: the range never gets transparent huge pages. */
    public static final int NOHUGEPAGE = 15;

    private Madvise() {
    }
}
