package accelmm.api.uapi.gna;

import java.util.List;

/**
 * {@code struct gna_buffer}: part of a memory object a request uses.
 *
 * @param memoryId the memory object
 * @param offset the byte offset inside it
 * @param size the bytes used
 * @param patches values stored before the request runs
 */
public record GnaBuffer(long memoryId, long offset, long size, List<GnaPatch> patches) {
    /** Copies the patches. */
    public GnaBuffer {
        patches = List.copyOf(patches);
    }
}
