package accelmm.api.uapi.gna;

/**
 * {@code GNA_UNMAP_MEMORY}: frees a memory object of the calling file. Replies null.
 *
 * @param memoryId the memory object's id
 */
public record GnaUnmapMemory(long memoryId) implements GnaIoctl<Void> {
}
