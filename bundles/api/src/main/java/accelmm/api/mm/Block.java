package accelmm.api.mm;

/**
 * A block of a memory node, as a buddy allocator hands it out ({@code struct drm_buddy_block}).
 *
 * <p>Concurrency: immutable.
 *
 * @param offset the byte offset inside the node; a multiple of the block size
 * @param orderShift log2 of the block size in bytes (12 for 4 KiB, 21 for 2 MiB)
 */
public record Block(long offset, int orderShift) {
    /** Returns the block size in bytes. */
    public long size() {
        return 1L << orderShift;
    }

    /** Returns the first byte past the block. */
    public long end() {
        return offset + size();
    }
}
