package accelmm.api.uapi.habana;

/**
 * {@code HL_MEM_OP_UNMAP}: unmaps a device virtual address. Replies null.
 *
 * @param deviceVa exactly the address a map returned
 */
public record HlUnmapMemory(long deviceVa) implements HlIoctl<Void> {
}
