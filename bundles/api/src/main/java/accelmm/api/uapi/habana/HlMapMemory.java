package accelmm.api.uapi.habana;

/**
 * {@code HL_MEM_OP_MAP}: maps device memory at a device virtual address. Replies {@link HlAddress}.
 *
 * @param handle the allocation (upper 32 bits must be 0)
 */
public record HlMapMemory(long handle) implements HlIoctl<HlAddress> {
}
