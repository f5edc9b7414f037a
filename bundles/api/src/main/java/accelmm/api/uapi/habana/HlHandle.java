package accelmm.api.uapi.habana;

/**
 * The reply of {@link HlAllocMemory}.
 *
 * @param value the handle, or the physical DRAM address without MMU
 */
public record HlHandle(long value) {
}
