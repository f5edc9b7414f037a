package accelmm.api.uapi.habana;

/**
 * {@code HL_MEM_OP_ALLOC}: allocates device memory in pages of the device page size. Replies {@link
 * HlHandle}: a handle in MMU mode, the physical DRAM address without it.
 *
 * @param size bytes, rounded up to the device page size
 * @param contiguous one physically contiguous range
 */
public record HlAllocMemory(long size, boolean contiguous) implements HlIoctl<HlHandle> {
}
