package accelmm.api.uapi.gmem;

/**
 * Asks where the data of {@code [addr, addr + length)} is. Reply: the list of
 * {@link accelmm.api.gmem.GmRegion} rows of the calling process's logical page table.
 *
 * <p>Errors: {@code EINVAL} if the process has no GMEM address space.
 *
 * @param addr the first address
 * @param length the number of bytes
 */
public record GmemResidency(long addr, long length) implements GmemIoctl<java.util.List<accelmm.api.gmem.GmRegion>> {
}
