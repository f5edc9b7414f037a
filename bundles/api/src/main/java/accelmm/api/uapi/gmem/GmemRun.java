package accelmm.api.uapi.gmem;

/**
 * Runs a kernel on the device over {@code [addr, addr + length)} of the calling process: page by
 * page, the device translates through its page table and faults through GMEM on a miss (evicting
 * the least recently used region when device memory is full). Reply: {@link GmemRunResult}.
 *
 * <p>Errors: {@code EINVAL} for a length below 1, a {@link GmemOp#LOAD} longer than
 * {@link #MAX_LOAD}, a range that wraps, a null op, or a file that did not attach; {@code EFAULT}
 * for unmapped memory, an access a non-replayable device faults on, or a fault that maps nothing
 * twice in a row at the same address while nothing of the address space was unmapped meanwhile;
 * {@code EPERM} for a write to read-only memory; {@code ENOMEM} when device memory is full of
 * regions that may not be evicted.
 *
 * @param op the operation
 * @param addr the first address
 * @param length the number of bytes
 * @param value the byte for {@link GmemOp#STORE} and {@link GmemOp#INC}
 */
public record GmemRun(GmemOp op, long addr, long length, int value) implements GmemIoctl<GmemRunResult> {
    /** The longest {@link GmemOp#LOAD}, whose bytes come back in the reply; other ops take any length. */
    public static final long MAX_LOAD = 1L << 30;
}
