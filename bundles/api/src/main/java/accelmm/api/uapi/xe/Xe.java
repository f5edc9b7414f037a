package accelmm.api.uapi.xe;

/**
 * Xe constants.
 *
 * <p>Concurrency: constants.
 */
public final class Xe {
    /** Preferred location: system memory. */
    public static final int LOC_SYSTEM = 0;
    /** Preferred location: the device's VRAM. */
    public static final int LOC_VRAM = 1;
    /** The size of a notifier window ({@code svm_notifier_size}). */
    public static final long NOTIFIER_SIZE = 512L << 20;
    /** The range chunk sizes, largest first ({@code fault_chunk_sizes}). */
    public static final long[] CHUNK_SIZES = {2L << 20, 64L << 10, 4L << 10};

    private Xe() {
    }
}
