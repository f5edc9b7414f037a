package accelmm.api.uapi.gna;

/**
 * {@code struct gna_memory_patch}: a value stored into a buffer before the request runs.
 *
 * @param offset the byte offset inside the buffer
 * @param size 1, 2, 4 or 8 bytes
 * @param value the value, stored little-endian
 */
public record GnaPatch(long offset, long size, long value) {
}
