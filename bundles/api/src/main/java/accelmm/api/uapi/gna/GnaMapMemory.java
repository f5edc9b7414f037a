package accelmm.api.uapi.gna;

/**
 * {@code GNA_MAP_MEMORY}: registers user memory for later requests; nothing is pinned. Replies
 * {@link GnaMemoryId}.
 *
 * @param address the page-aligned user address
 * @param size the size in bytes (a u32 in the uAPI)
 */
public record GnaMapMemory(long address, long size) implements GnaIoctl<GnaMemoryId> {
}
