package accelmm.api.mm;

/**
 * Flags of {@link AddressSpace#pinUserPages} ({@code FOLL_*}).
 *
 * <p>Concurrency: constants only.
 */
public final class GupFlags {
    /** The pages will be written: fault them in writable and break copy-on-write. */
    public static final int WRITE = 0x01;
    /** A long-term pin (e.g. for DMA); same effect here. */
    public static final int LONGTERM = 0x100;

    private GupFlags() {
    }
}
