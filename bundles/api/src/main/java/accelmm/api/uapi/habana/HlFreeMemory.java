package accelmm.api.uapi.habana;

/**
 * {@code HL_MEM_OP_FREE}: frees device memory that is not mapped. Replies null.
 *
 * @param handle the allocation (upper 32 bits must be 0)
 */
public record HlFreeMemory(long handle) implements HlIoctl<Void> {
}
