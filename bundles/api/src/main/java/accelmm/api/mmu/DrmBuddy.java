package accelmm.api.mmu;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import accelmm.api.mm.Block;

/**
 * A buddy allocator with the semantics of the kernel's {@code drm_buddy} (6.1), as GPU drivers
 * manage VRAM with it: a size split into power-of-two roots, blocks made only when a split needs
 * them (so a manager of {@code U64_MAX} bytes costs nothing until used), free lists per order, and
 * allocation, range allocation and trim as {@code drm_buddy.c} does them. Sizes, offsets and ends
 * are unsigned 64-bit numbers: -1 as a Java long is {@code U64_MAX}. A block's
 * {@link Block#orderShift()} is its size's log2 in bytes.
 *
 * <p>Flags are {@link accelmm.api.mm.BuddyFlags#RANGE} (blocks inside {@code [start, end)},
 * falling back to smaller blocks down to the minimum) and
 * {@link accelmm.api.mm.BuddyFlags#TOPDOWN} (the highest free block of each order first); other
 * bits are ignored, as the kernel ignores flags it does not know.
 *
 * <p>Concurrency: thread-safe (one lock per allocator, as drivers hold their manager's mutex).
 */
@ProviderType
public interface DrmBuddy {
    /** The largest order a manager may have ({@code DRM_BUDDY_MAX_ORDER}, 63 minus the page shift). */
    int MAX_ORDER = 63 - 12;

    /** Returns the managed size in bytes (rounded down to the chunk size). */
    long size();

    /** Returns the chunk size: the smallest block. */
    long chunkSize();

    /** Returns the largest order ({@code mm->max_order}): log2 of the size over the chunk size. */
    int maxOrder();

    /** Returns the free bytes ({@code mm->avail}). */
    long avail();

    /** Returns the number of roots ({@code mm->n_roots}): the set bits of the size. */
    int roots();

    /** Returns the number of free blocks of {@code order}. */
    long freeBlocks(int order);

    /**
     * Allocates blocks ({@code drm_buddy_alloc_blocks}). When {@code start + size == end} the exact
     * range is allocated, in as few blocks as its alignment allows; otherwise {@code size} in
     * blocks of at least {@code minBlockSize}, the largest first, each order falling back to
     * smaller ones down to {@code minBlockSize}. A failure allocates nothing.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a size below the chunk size, a minimum
     *     block that is not a power of two of at least the chunk size, a start, end or size not a
     *     multiple of the chunk size, an end past the managed size, a range {@code start + size}
     *     that overflows it, or a size that is not a multiple of the minimum block;
     *     {@code ENOSPC} when the blocks cannot be found
     */
    List<Block> allocBlocks(long start, long end, long size, long minBlockSize, int flags);

    /**
     * Frees blocks ({@code drm_buddy_free_list}); each merges with its free buddy as far as it can.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a block this manager did not allocate
     *     (nothing is freed)
     */
    void freeBlocks(List<Block> blocks);

    /**
     * Trims a single allocated block to {@code newSize} from its start ({@code drm_buddy_block_trim}):
     * the rest is freed.
     *
     * @return the blocks that now hold the allocation
     * @throws accelmm.api.ErrnoException {@code EINVAL} for other than one allocated block, a size
     *     of 0, not a multiple of the chunk size, or larger than the block
     */
    List<Block> trim(List<Block> blocks, long newSize);
}
