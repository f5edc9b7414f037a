package accelmm.api.dma;

/**
 * The direction of a DMA mapping ({@code enum dma_data_direction}).
 *
 * <p>Concurrency: immutable.
 */
public enum DmaDirection {
    /** Data moves both ways. */
    BIDIRECTIONAL,
    /** The device reads memory. */
    TO_DEVICE,
    /** The device writes memory. */
    FROM_DEVICE,
    /** No data moves (a debugging value the kernel rejects for real mappings). */
    NONE;

    /** Returns true if the device may read memory mapped this way. */
    public boolean deviceReads() {
        return this == BIDIRECTIONAL || this == TO_DEVICE;
    }

    /** Returns true if the device may write memory mapped this way. */
    public boolean deviceWrites() {
        return this == BIDIRECTIONAL || this == FROM_DEVICE;
    }
}
