package accelmm.api.mmu;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A range allocator with the semantics of the kernel's {@code drm_mm} (used for GPU virtual
 * address space; units are the caller's, e.g. pages). Starts, sizes, ends and alignments are
 * unsigned 64-bit numbers, as the kernel's {@code u64}: an allocator may manage
 * {@code [0, U64_MAX)} (-1 as a Java long is U64_MAX) and an alignment may be up to 2^63.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface DrmMm {
    /** How {@link #insertNode} chooses among holes ({@code enum drm_mm_insert_mode}). */
    enum Mode {
        /** The smallest hole that fits. */
        BEST,
        /** The lowest address that fits. */
        LOW,
        /** The highest address that fits; the node is placed at the top of its hole. */
        HIGH
    }

    /**
     * Shrinks a hole for a node of a given colour ({@code mm->color_adjust}): the hole follows
     * {@code before} (null for the start of the range).
     */
    @FunctionalInterface
    interface ColorAdjust {
        /** Returns the usable {start, end} of the hole {@code [start, end)} for a node of {@code color}. */
        long[] adjust(DrmMmNode before, long color, long start, long end);
    }

    /**
     * Allocates {@code size} units aligned to {@code alignment} (0 or 1 for none) inside
     * {@code [rangeStart, rangeEnd)} ({@code drm_mm_insert_node_in_range}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOSPC} for a zero size or when nothing fits
     */
    DrmMmNode insertNode(long size, long alignment, long color, long rangeStart, long rangeEnd, Mode mode);

    /**
     * Reserves exactly {@code [start, start + size)} ({@code drm_mm_reserve_node}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOSPC} for a zero size, a range that wraps, leaves
     *     the allocator's range, or overlaps a node (or what the colour-adjust callback keeps free)
     */
    DrmMmNode reserveNode(long start, long size, long color);

    /**
     * Frees a node ({@code drm_mm_remove_node}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} if it is not a node of this allocator
     */
    void removeNode(DrmMmNode node);

    /** Lists the nodes in address order. */
    List<DrmMmNode> nodes();
}
