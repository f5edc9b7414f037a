package accelmm.api.gmem;

/**
 * Device capabilities ({@code GM_DEV_CAP_*}).
 *
 * <p>Concurrency: constants only.
 */
public final class GmCap {
    /** The device can replay a faulting access once the fault is resolved. */
    public static final int REPLAYABLE = 0x1;
    /**
     * The device can reach peer memory: a region moves between two such devices in one copy, device
     * to device, instead of through host memory.
     */
    public static final int PEER = 0x10;
    /**
     * The device has a cache-coherent link to host memory, which {@link GmMmuMode#SHARE} and
     * {@link GmMmuMode#REPLICATE} need (an accelmm addition: the RFC documents the need, not a bit).
     */
    public static final int COHERENT = 0x100;
    /** Every known bit. */
    public static final int ALL = REPLAYABLE | PEER | COHERENT;

    private GmCap() {
    }

    /** Returns the names of the bits set in {@code caps}, for example {@code "REPLAYABLE|PEER"}. */
    public static String describe(int caps) {
        return Bits.describe(caps, new int[] {REPLAYABLE, PEER, COHERENT}, new String[] {"REPLAYABLE", "PEER", "COHERENT"});
    }
}
