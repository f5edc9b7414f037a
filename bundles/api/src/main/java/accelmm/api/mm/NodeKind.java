package accelmm.api.mm;

/**
 * What a memory node is.
 *
 * <p>Concurrency: immutable.
 */
public enum NodeKind {
    /** Host RAM, directly addressable by the CPU. */
    HOST,
    /** Device memory (VRAM, device DRAM, registered device physical memory). */
    DEVICE
}
