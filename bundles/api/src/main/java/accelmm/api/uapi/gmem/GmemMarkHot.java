package accelmm.api.uapi.gmem;

/**
 * Marks the regions of {@code [addr, addr + length)} hot: each is brought onto the device (a fault
 * with the MARK_HOT hint) and stays there, never chosen for eviction. Reply: the number of regions
 * (an {@code Integer}).
 *
 * <p>Errors: as {@link GmemRun}.
 *
 * @param addr the first address
 * @param length the number of bytes
 */
public record GmemMarkHot(long addr, long length) implements GmemIoctl<Integer> {
}
