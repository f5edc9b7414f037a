package accelmm.api.uapi.gna;

/**
 * The reply of {@link GnaMapMemory}.
 *
 * @param memoryId the memory object's id, from 1
 */
public record GnaMemoryId(long memoryId) {
}
