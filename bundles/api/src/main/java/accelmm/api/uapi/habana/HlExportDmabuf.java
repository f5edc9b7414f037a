package accelmm.api.uapi.habana;

/**
 * {@code HL_MEM_OP_EXPORT_DMABUF_FD}: exports device memory as a dma-buf, by its mapped device address (MMU
 * mode) or physical address. Replies the descriptor as an {@code Integer}.
 *
 * @param addr the mapped device address (MMU mode) or the physical DRAM address
 * @param size bytes exported, at least one page
 * @param offset bytes into the allocation (0 without MMU)
 * @param flags descriptor flags: O_RDWR, O_CLOEXEC
 */
public record HlExportDmabuf(long addr, long size, long offset, int flags) implements HlIoctl<Integer> {
}
