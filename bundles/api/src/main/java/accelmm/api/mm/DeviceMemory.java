package accelmm.api.mm;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A device memory node (VRAM, device DRAM, registered device physical memory), created by the
 * memory manager for a device: blocks allocated with {@code drm_buddy} semantics and real bytes
 * addressed by offset.
 *
 * <p>Concurrency: thread-safe; byte access is not locked, like memory.
 */
@ProviderType
public interface DeviceMemory {
    /** Returns the node id. */
    int id();

    /** Returns a snapshot of the node's figures. */
    NodeInfo info();

    /**
     * Returns the largest block order of the node's buddy allocator ({@code mm->max_order}): log2
     * of its size in pages, rounded down; {@link #allocBlocks} never returns a larger block.
     */
    int maxOrder();

    /**
     * Allocates blocks ({@code drm_buddy_alloc_blocks}); see {@link BuddyFlags}. Their bytes read
     * as zero.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for bad sizes, alignment or range;
     *     {@code ENOSPC} if it does not fit; {@code ENOMEM} under fault injection; {@code ENODEV}
     *     once the node is removed
     */
    List<Block> allocBlocks(long start, long end, long size, long minBlockSize, int flags);

    /**
     * Frees blocks from {@link #allocBlocks}; their bytes are zeroed.
     *
     * @throws IllegalStateException if a block is not allocated as given
     */
    void freeBlocks(List<Block> blocks);

    /**
     * Reads bytes at a node offset.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} outside the node or with a bad buffer
     */
    void read(long offset, byte[] dst, int off, int len);

    /**
     * Writes bytes at a node offset.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} outside the node or with a bad buffer
     */
    void write(long offset, byte[] src, int off, int len);
}
