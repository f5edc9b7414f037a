package accelmm.core.mem;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.Errno;
import accelmm.api.mm.Block;
import accelmm.api.mm.BuddyFlags;

/**
 * A binary buddy allocator over one memory node, with the semantics of the kernel's
 * {@code drm_buddy}: a size that is not a power of two is covered by several roots (largest first),
 * blocks are powers of two of the chunk size, and a freed block merges with its free buddy.
 *
 * <p>State is primitive and sparse (made in segments where chunks were used, so a large untouched
 * allocator costs almost nothing): per chunk a byte of order and a byte of state, set only on the head chunk
 * of each leaf block (free or allocated; a split block is simply one whose head is not a block of
 * its order), and per order a bitmap of free block heads, searched from a hint so that taking the
 * lowest (or, top-down, the highest) free block does not rescan emptied words.
 *
 * <p>Concurrency: not thread-safe; the owning node serializes callers.
 */
public final class BuddyAllocator {
    static final byte NONE = 0;
    static final byte FREE = 1;
    static final byte ALLOCATED = 2;

    private final long size;
    private final int chunkShift;
    private final long chunks;
    private final int maxOrder;
    private final long[] rootStart;
    private final int[] rootOrder;
    private final SparseBytes order;
    private final SparseBytes state;
    private final FreeHeads free;
    private long availChunks;

    /**
     * Creates an allocator ({@code drm_buddy_init}).
     *
     * @param size bytes to manage; rounded down to a multiple of {@code chunkSize}
     * @param chunkSize the smallest block, a power of two of at least 4 KiB
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a chunk size that is not a power of
     *     two, is below 4 KiB, or exceeds {@code size}
     */
    public BuddyAllocator(long size, long chunkSize) {
        if (chunkSize < 4096 || Long.bitCount(chunkSize) != 1) {
            throw Errno.EINVAL.exception("chunk size " + chunkSize + " is not a power of two >= 4096");
        }
        if (size < chunkSize) {
            throw Errno.EINVAL.exception("size " + size + " is smaller than the chunk size " + chunkSize);
        }
        this.chunkShift = Long.numberOfTrailingZeros(chunkSize);
        this.chunks = size >>> chunkShift;
        if (chunks > Integer.MAX_VALUE) {
            throw Errno.EINVAL.exception("too many chunks: " + chunks);
        }
        this.size = chunks << chunkShift;
        this.maxOrder = 63 - Long.numberOfLeadingZeros(chunks);
        int roots = Long.bitCount(chunks);
        this.rootStart = new long[roots];
        this.rootOrder = new int[roots];
        this.order = new SparseBytes(chunks);
        this.state = new SparseBytes(chunks);
        this.free = new FreeHeads(chunks, maxOrder);
        long offset = 0;
        for (int r = 0; r < roots; r++) {
            int o = 63 - Long.numberOfLeadingZeros(chunks - offset);
            rootStart[r] = offset;
            rootOrder[r] = o;
            markFree(offset, o);
            offset += 1L << o;
        }
        availChunks = chunks;
    }

    /** Returns the managed size in bytes. */
    public long size() {
        return size;
    }

    /** Returns the chunk size in bytes. */
    public long chunkSize() {
        return 1L << chunkShift;
    }

    /** Returns the largest order of any root. */
    public int maxOrder() {
        return maxOrder;
    }

    /** Returns the free bytes. */
    public long available() {
        return availChunks << chunkShift;
    }

    /** Returns the number of free blocks of {@code o}. */
    public long freeBlocks(int o) {
        return o < 0 || o > maxOrder ? 0 : free.count(o);
    }

    /** Returns the bytes of the allocator's per-chunk state: orders, states and free bitmaps, as made so far. */
    public long metadataBytes() {
        return order.bytes() + state.bytes() + free.bytes();
    }

    /** Returns the number of roots. */
    public int roots() {
        return rootStart.length;
    }

    // ---- bitmap bookkeeping ------------------------------------------------------------------

    private void markFree(long chunk, int o) {
        order.set(chunk, (byte) o);
        state.set(chunk, FREE);
        free.add(chunk, o);
    }

    private void unmarkFree(long chunk, int o) {
        free.remove(chunk, o);
    }

    private boolean isFreeHead(long chunk, int o) {
        return state.get(chunk) == FREE && order.get(chunk) == o;
    }

    private int rootOrderOf(long chunk) {
        for (int r = 0; r < rootStart.length; r++) {
            if (chunk >= rootStart[r] && chunk < rootStart[r] + (1L << rootOrder[r])) {
                return rootOrder[r];
            }
        }
        throw new IllegalStateException("chunk " + chunk + " outside every root");
    }

    // ---- chunk-level allocation (the fast path of page frames) -------------------------------

    /**
     * Allocates one block of {@code 2^o} chunks anywhere.
     *
     * @return the first chunk, or -1 if no block that large is free
     */
    public long allocChunks(int o, boolean topDown) {
        return allocIn(o, 0, chunks, topDown);
    }

    /**
     * Allocates a block of order {@code o} lying inside chunks [lo, hi), splitting as needed.
     * Bottom-up takes the smallest order that has a fitting free block, lowest first; top-down
     * takes the fitting free block with the highest offset over every order, as drm_buddy does.
     */
    private long allocIn(int o, long lo, long hi, boolean topDown) {
        if (o < 0 || o > maxOrder) {
            return -1;
        }
        int bestOrder = -1;
        long bestHead = -1;
        long bestEnd = -1;
        for (int from = o; from <= maxOrder; from++) {
            long head = free.find(from, lo, hi, topDown);
            if (head < 0 && from > o && (lo > 0 || hi < chunks)) {
                head = findOverlapping(from, lo, hi, o, topDown);
            }
            if (head < 0) {
                continue;
            }
            if (!topDown) {
                bestOrder = from;
                bestHead = head;
                break;
            }
            if (head + (1L << from) > bestEnd) {
                bestOrder = from;
                bestHead = head;
                bestEnd = head + (1L << from);
            }
        }
        if (bestOrder < 0) {
            return -1;
        }
        return take(bestHead, bestOrder, o, lo, hi, topDown);
    }

    /** Takes the free block (head, from) and splits it down to an order-{@code o} block. */
    private long take(long head, int from, int o, long lo, long hi, boolean topDown) {
        unmarkFree(head, from);
        state.set(head, NONE);
        while (from > o) {
            from--;
            long high = head + (1L << from);
            boolean takeHigh = topDown ? fits(high, from, lo, hi, o) : !fits(head, from, lo, hi, o);
            markFree(takeHigh ? head : high, from);
            head = takeHigh ? high : head;
            state.set(head, NONE);
        }
        order.set(head, (byte) o);
        state.set(head, ALLOCATED);
        availChunks -= 1L << o;
        return head;
    }

    /** True if the block of order {@code b} at {@code start} holds an order-{@code o} block inside [lo, hi). */
    private static boolean fits(long start, int b, long lo, long hi, int o) {
        long subLo = Math.max(start, (lo + (1L << o) - 1) >>> o << o);
        return subLo + (1L << o) <= Math.min(start + (1L << b), hi);
    }

    /**
     * A free block of order {@code from} that is not inside [lo, hi) but contains a sub-block of
     * order {@code o} that is; used for range-restricted allocation.
     */
    private long findOverlapping(int from, long lo, long hi, int o, boolean topDown) {
        long span = 1L << from;
        long firstHead = (lo >>> from) << from;
        if (firstHead + span <= lo) {
            firstHead += span;
        }
        long best = -1;
        for (long h = firstHead; h < hi && h < chunks; h += span) {
            if (!isFreeHead(h, from)) {
                continue;
            }
            if (fits(h, from, lo, hi, o)) {
                best = h;
                if (!topDown) {
                    return h;
                }
            }
        }
        return best;
    }

    /**
     * Frees an allocated block, merging it with free buddies.
     *
     * @throws IllegalStateException if {@code chunk} is not the head of an allocated block
     */
    public void freeChunks(long chunk) {
        if (chunk < 0 || chunk >= chunks || state.get(chunk) != ALLOCATED) {
            throw new IllegalStateException("chunk " + chunk + " is not an allocated block");
        }
        int o = order.get(chunk);
        availChunks += 1L << o;
        int top = rootOrderOf(chunk);
        long head = chunk;
        state.set(head, NONE);
        while (o < top) {
            long buddy = head ^ (1L << o);
            if (!isFreeHead(buddy, o)) {
                break;
            }
            unmarkFree(buddy, o);
            state.set(buddy, NONE);
            head = Math.min(head, buddy);
            o++;
        }
        markFree(head, o);
    }

    /** Returns the order of the allocated block at {@code chunk}, or -1 if there is none. */
    public int allocatedOrder(long chunk) {
        return chunk >= 0 && chunk < chunks && state.get(chunk) == ALLOCATED ? order.get(chunk) : -1;
    }

    /**
     * Turns one allocated block into {@code 2^order} allocated blocks of order 0, so its chunks can
     * be freed one by one (the way a huge page is split).
     */
    public void splitAllocated(long chunk) {
        int o = allocatedOrder(chunk);
        if (o < 0) {
            throw new IllegalStateException("chunk " + chunk + " is not an allocated block");
        }
        for (long c = chunk; c < chunk + (1L << o); c++) {
            order.set(c, (byte) 0);
            state.set(c, ALLOCATED);
        }
    }

    // ---- drm_buddy_alloc_blocks ---------------------------------------------------------------

    /**
     * Allocates {@code size} bytes as blocks ({@code drm_buddy_alloc_blocks}).
     *
     * <p>When {@code start + size == end} exactly that range is allocated. Otherwise blocks are
     * taken largest first, none smaller than {@code minBlockSize}; with
     * {@link BuddyFlags#RANGE} they lie inside [start, end); with {@link BuddyFlags#CONTIGUOUS}
     * the result is one block (rounded up to a power of two, then trimmed back to {@code size});
     * with {@link BuddyFlags#TOPDOWN} the highest addresses are used first.
     *
     * @return the blocks, in allocation order
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a size below the chunk size, a minimum
     *     block size that is not a power of two of at least the chunk size, start, end or size not
     *     chunk-aligned, {@code end} beyond the node, or a range that overflows; {@code ENOSPC} if it
     *     does not fit (nothing is then allocated)
     */
    public List<Block> allocBlocks(long start, long end, long size, long minBlockSize, int flags) {
        long chunk = chunkSize();
        if (size < chunk) {
            throw Errno.EINVAL.exception("size " + size + " below the chunk size " + chunk);
        }
        if (minBlockSize < chunk || Long.bitCount(minBlockSize) != 1) {
            throw Errno.EINVAL.exception("minimum block size " + minBlockSize + " is not a power of two >= " + chunk);
        }
        if (((start | end | size) & (chunk - 1)) != 0) {
            throw Errno.EINVAL.exception("start, end and size must be multiples of " + chunk);
        }
        if (start < 0 || end > this.size || end < 0) {
            throw Errno.EINVAL.exception("end " + end + " beyond the node size " + this.size);
        }
        if (start + size < start || start + size > this.size) {
            throw Errno.EINVAL.exception("range " + start + " + " + size + " overflows the node");
        }
        List<Block> out = new ArrayList<>();
        if (start + size == end) {
            if (((start | end) & (minBlockSize - 1)) != 0) {
                throw Errno.EINVAL.exception("exact range not aligned to the minimum block size");
            }
            allocExact(start >>> chunkShift, end >>> chunkShift, out);
            return out;
        }
        boolean range = (flags & BuddyFlags.RANGE) != 0;
        boolean topDown = (flags & BuddyFlags.TOPDOWN) != 0;
        long lo = range ? start >>> chunkShift : 0;
        long hi = range ? end >>> chunkShift : chunks;
        long want = size >>> chunkShift;
        int minOrder = Long.numberOfTrailingZeros(minBlockSize) - chunkShift;
        if ((flags & BuddyFlags.CONTIGUOUS) != 0) {
            int o = 64 - Long.numberOfLeadingZeros(want - 1);
            long head = o <= maxOrder ? allocIn(Math.max(o, minOrder), lo, hi, topDown) : -1;
            if (head >= 0) {
                trim(head, want, out);
                return out;
            }
            long run = freeRun(want, lo, hi, topDown);
            if (run < 0) {
                throw Errno.ENOSPC.exception("no contiguous " + size + " bytes free");
            }
            allocExact(run, run + want, out);
            return out;
        }
        long rounded = (want + (1L << minOrder) - 1) >>> minOrder << minOrder;
        long remaining = rounded;
        try {
            while (remaining > 0) {
                int o = Math.min(63 - Long.numberOfLeadingZeros(remaining), maxOrder);
                long head = -1;
                for (; o >= minOrder; o--) {
                    head = allocIn(o, lo, hi, topDown);
                    if (head >= 0) {
                        break;
                    }
                }
                if (head < 0) {
                    throw Errno.ENOSPC.exception("cannot allocate " + size + " bytes in blocks of at least " + minBlockSize);
                }
                out.add(new Block(head << chunkShift, o + chunkShift));
                remaining -= 1L << o;
            }
        } catch (RuntimeException e) {
            freeBlocks(out);
            out.clear();
            throw e;
        }
        return out;
    }

    /** Keeps the first {@code want} chunks of an allocated power-of-two block; frees the rest. */
    private void trim(long head, long want, List<Block> out) {
        int o = order.get(head);
        if (want == 1L << o) {
            out.add(new Block(head << chunkShift, o + chunkShift));
            return;
        }
        splitAllocated(head);
        long c = head;
        long end = head + want;
        while (c < end) {
            int b = Math.min(Long.numberOfTrailingZeros(c | (1L << 62)), 63 - Long.numberOfLeadingZeros(end - c));
            for (long x = c + 1; x < c + (1L << b); x++) {
                state.set(x, NONE);
            }
            order.set(c, (byte) b);
            out.add(new Block(c << chunkShift, b + chunkShift));
            c += 1L << b;
        }
        for (long x = end; x < head + (1L << o); x++) {
            freeChunks(x);
        }
    }

    /**
     * The first (or last) chunk of a run of {@code want} free chunks inside [lo, hi) that crosses
     * block boundaries, or -1 ({@code __alloc_contig_try_harder}).
     */
    private long freeRun(long want, long lo, long hi, boolean topDown) {
        long best = -1;
        long runStart = -1;
        long c = 0;
        while (c < chunks) {
            int o = order.get(c);
            long end = c + (1L << o);
            if (state.get(c) == FREE && end > lo && c < hi) {
                long from = Math.max(c, lo);
                if (runStart < 0) {
                    runStart = from;
                }
                long to = Math.min(end, hi);
                if (to - runStart >= want) {
                    best = topDown ? to - want : runStart;
                    if (!topDown) {
                        return best;
                    }
                }
            } else {
                runStart = -1;
            }
            c = end;
        }
        return best;
    }

    /** Allocates exactly chunks [lo, hi); all-or-nothing. */
    private void allocExact(long lo, long hi, List<Block> out) {
        long c = lo;
        try {
            while (c < hi) {
                int b = Math.min(Long.numberOfTrailingZeros(c | (1L << 62)), 63 - Long.numberOfLeadingZeros(hi - c));
                long head = allocIn(b, c, c + (1L << b), false);
                if (head != c) {
                    if (head >= 0) {
                        freeChunks(head);
                    }
                    throw Errno.ENOSPC.exception("range [" + (lo << chunkShift) + ", " + (hi << chunkShift) + ") is not free");
                }
                out.add(new Block(c << chunkShift, b + chunkShift));
                c += 1L << b;
            }
        } catch (RuntimeException e) {
            freeBlocks(out);
            out.clear();
            throw e;
        }
    }

    /** Frees blocks returned by {@link #allocBlocks} ({@code drm_buddy_free_list}). */
    public void freeBlocks(List<Block> blocks) {
        for (Block b : blocks) {
            long c = b.offset() >>> chunkShift;
            if (allocatedOrder(c) != b.orderShift() - chunkShift) {
                throw new IllegalStateException("block " + b + " is not allocated as such");
            }
            freeChunks(c);
        }
    }

    /**
     * Checks that the block heads tile the node, that free blocks are in their bitmaps and counted,
     * that no free block has a free buddy it should have merged with, and that the free total is
     * right; for tests and {@code mm:check}.
     *
     * @return null if consistent, else the first problem
     */
    public String checkInvariants() {
        long[] seen = new long[maxOrder + 1];
        long freeTotal = 0;
        long c = 0;
        while (c < chunks) {
            byte s = state.get(c);
            int o = order.get(c);
            if (s == NONE) {
                return "chunk " + c + " is inside no block";
            }
            if ((c & ((1L << o) - 1)) != 0 || c + (1L << o) > chunks || o > rootOrderOf(c)) {
                return "block at " + c + " of order " + o + " is misaligned or crosses its root";
            }
            long inner = state.firstNonZero(c + 1, c + (1L << o));
            if (inner >= 0) {
                return "chunk " + inner + " is a head inside the block at " + c;
            }
            if (s == FREE) {
                if (!free.has(c >>> o, o)) {
                    return "free block at " + c + " missing from the order " + o + " bitmap";
                }
                if (o < rootOrderOf(c) && isFreeHead(c ^ (1L << o), o)) {
                    return "free block at " + c + " was not merged with its free buddy";
                }
                seen[o]++;
                freeTotal += 1L << o;
            }
            c += 1L << o;
        }
        String counts = free.check(seen);
        return counts != null ? counts : freeTotal == availChunks ? null : "available " + availChunks + " chunks, free blocks hold " + freeTotal;
    }
}
