package accelmm.api.mm;

/**
 * A snapshot of a memory node's figures.
 *
 * <p>Concurrency: immutable.
 *
 * @param id the node id
 * @param name the node name ({@code host}, or the device's)
 * @param kind host RAM or device memory
 * @param size bytes managed
 * @param used bytes allocated now
 * @param peak the most bytes allocated at once
 * @param backed bytes of simulated data memory actually held (untouched pages cost none)
 */
public record NodeInfo(int id, String name, NodeKind kind, long size, long used, long peak, long backed) {
}
