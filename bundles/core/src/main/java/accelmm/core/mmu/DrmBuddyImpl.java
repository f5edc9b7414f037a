package accelmm.core.mmu;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import accelmm.api.Errno;
import accelmm.api.mm.Block;
import accelmm.api.mm.BuddyFlags;
import accelmm.api.mmu.DrmBuddy;

/**
 * {@link DrmBuddy} as a tree of blocks made on split and dropped on merge, with a doubly linked
 * free list per order that takes freed blocks at its head and gives from its tail, as
 * {@code drm_buddy.c}. Offsets and sizes are unsigned: comparisons go through
 * {@link Long#compareUnsigned}.
 *
 * <p>Concurrency: every public method holds this object's lock.
 */
public final class DrmBuddyImpl implements DrmBuddy {
    private enum State { FREE, SPLIT, ALLOCATED }

    /** A block of the tree; {@code prev}/{@code next} link it in its order's free list. */
    private static final class Node {
        final long offset;
        final int order;
        final Node parent;
        Node left;
        Node right;
        State state = State.FREE;
        Node prev;
        Node next;

        Node(long offset, int order, Node parent) {
            this.offset = offset;
            this.order = order;
            this.parent = parent;
        }

        Node buddy() {
            return parent == null ? null : parent.left == this ? parent.right : parent.left;
        }
    }

    private final long size;
    private final long chunkSize;
    private final int chunkShift;
    private final int maxOrder;
    private final Node[] roots;
    private final Node[] freeHead;
    private final Node[] freeTail;
    private final long[] freeCount;
    private final Map<Long, Node> allocated = new HashMap<>();
    private long avail;

    /**
     * Creates a manager ({@code drm_buddy_init}).
     *
     * @param size bytes, unsigned; rounded down to a multiple of {@code chunkSize}
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a size below the chunk size, or a chunk
     *     size below 4 KiB or not a power of two
     */
    public DrmBuddyImpl(long size, long chunkSize) {
        if (Long.compareUnsigned(size, chunkSize) < 0) {
            throw Errno.EINVAL.exception("size " + Long.toUnsignedString(size) + " is below the chunk size " + chunkSize);
        }
        if (Long.compareUnsigned(chunkSize, 4096) < 0 || Long.bitCount(chunkSize) != 1) {
            throw Errno.EINVAL.exception("chunk size " + Long.toUnsignedString(chunkSize) + " is not a power of two >= 4096");
        }
        this.chunkSize = chunkSize;
        this.chunkShift = Long.numberOfTrailingZeros(chunkSize);
        this.size = size & -chunkSize;
        this.maxOrder = log2(this.size) - chunkShift;
        if (maxOrder > MAX_ORDER) {
            throw Errno.EINVAL.exception("order " + maxOrder + " is above DRM_BUDDY_MAX_ORDER");
        }
        this.roots = new Node[Long.bitCount(this.size)];
        this.freeHead = new Node[maxOrder + 1];
        this.freeTail = new Node[maxOrder + 1];
        this.freeCount = new long[maxOrder + 1];
        long offset = 0;
        long left = this.size;
        for (int i = 0; i < roots.length; i++) {
            int order = log2(left) - chunkShift;
            roots[i] = new Node(offset, order, null);
            markFree(roots[i]);
            offset += blockSize(order);
            left -= blockSize(order);
        }
        this.avail = this.size;
    }

    private static int log2(long unsigned) {
        return 63 - Long.numberOfLeadingZeros(unsigned);
    }

    private long blockSize(int order) {
        return chunkSize << order;
    }

    /** The last byte of a block, unsigned. */
    private long last(Node b) {
        return b.offset + blockSize(b.order) - 1;
    }

    private void markFree(Node b) {
        b.state = State.FREE;
        b.prev = null;
        b.next = freeHead[b.order];
        if (b.next != null) {
            b.next.prev = b;
        } else {
            freeTail[b.order] = b;
        }
        freeHead[b.order] = b;
        freeCount[b.order]++;
    }

    private void unlinkFree(Node b) {
        if (b.prev != null) {
            b.prev.next = b.next;
        } else {
            freeHead[b.order] = b.next;
        }
        if (b.next != null) {
            b.next.prev = b.prev;
        } else {
            freeTail[b.order] = b.prev;
        }
        b.prev = null;
        b.next = null;
        freeCount[b.order]--;
    }

    private void markAllocated(Node b) {
        unlinkFree(b);
        b.state = State.ALLOCATED;
        allocated.put(b.offset, b);
        avail -= blockSize(b.order);
    }

    private void split(Node b) {
        unlinkFree(b);
        b.left = new Node(b.offset, b.order - 1, b);
        b.right = new Node(b.offset + blockSize(b.order - 1), b.order - 1, b);
        markFree(b.left);
        markFree(b.right);
        b.state = State.SPLIT;
    }

    /** Frees a block, merging it with its free buddy up the tree ({@code __drm_buddy_free}). */
    private void release(Node b) {
        Node parent;
        while ((parent = b.parent) != null) {
            Node buddy = b.buddy();
            if (buddy.state != State.FREE) {
                break;
            }
            unlinkFree(buddy);
            parent.left = null;
            parent.right = null;
            b = parent;
        }
        markFree(b);
    }

    private void free(Node b) {
        allocated.remove(b.offset);
        avail += blockSize(b.order);
        release(b);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long chunkSize() {
        return chunkSize;
    }

    @Override
    public int maxOrder() {
        return maxOrder;
    }

    @Override
    public synchronized long avail() {
        return avail;
    }

    @Override
    public int roots() {
        return roots.length;
    }

    @Override
    public synchronized long freeBlocks(int order) {
        return order < 0 || order > maxOrder ? 0 : freeCount[order];
    }

    @Override
    public synchronized List<Block> allocBlocks(long start, long end, long size, long minBlockSize, int flags) {
        if (Long.compareUnsigned(size, chunkSize) < 0) {
            throw Errno.EINVAL.exception("size " + Long.toUnsignedString(size) + " is below the chunk size");
        }
        if (Long.compareUnsigned(minBlockSize, chunkSize) < 0 || Long.bitCount(minBlockSize) != 1) {
            throw Errno.EINVAL.exception("minimum block " + Long.toUnsignedString(minBlockSize)
                    + " is not a power of two of at least the chunk size");
        }
        if (((start | end | size) & (chunkSize - 1)) != 0) {
            throw Errno.EINVAL.exception("start, end and size must be multiples of the chunk size " + chunkSize);
        }
        if (Long.compareUnsigned(end, this.size) > 0) {
            throw Errno.EINVAL.exception("end 0x" + Long.toHexString(end) + " is past the managed size");
        }
        long rangeEnd = start + size;
        if (Long.compareUnsigned(rangeEnd, start) < 0 || Long.compareUnsigned(rangeEnd, this.size) > 0) {
            throw Errno.EINVAL.exception("start + size overflows the managed size");
        }
        if (rangeEnd == end) {
            Deque<Node> dfs = new ArrayDeque<>(List.of(roots));
            return blocks(allocRange(dfs, start, size));
        }
        if ((size & (minBlockSize - 1)) != 0) {
            throw Errno.EINVAL.exception("size " + Long.toUnsignedString(size) + " is not a multiple of the minimum block");
        }
        long pages = size >>> chunkShift;
        int order = log2(pages);
        int minOrder = Long.numberOfTrailingZeros(minBlockSize) - chunkShift;
        List<Node> done = new ArrayList<>();
        while (true) {
            order = Math.min(order, log2(pages));
            Node b;
            while (true) {
                b = (flags & BuddyFlags.RANGE) != 0 ? allocRangeBias(start, end, order) : allocFromFreeList(order, flags);
                if (b != null) {
                    break;
                }
                if (order-- == minOrder) {
                    for (Node n : done) {
                        free(n);
                    }
                    throw Errno.ENOSPC.exception("no room for " + Long.toUnsignedString(size) + " bytes in blocks of at least "
                            + Long.toUnsignedString(minBlockSize));
                }
            }
            markAllocated(b);
            done.add(b);
            pages -= 1L << order;
            if (pages == 0) {
                return blocks(done);
            }
        }
    }

    private List<Block> blocks(List<Node> nodes) {
        List<Block> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            out.add(new Block(n.offset, n.order + chunkShift));
        }
        return out;
    }

    /** {@code alloc_from_freelist}: the oldest free block of the lowest order that fits, or the highest one. */
    private Node allocFromFreeList(int order, int flags) {
        Node b = null;
        if ((flags & BuddyFlags.TOPDOWN) != 0) {
            for (int o = order; o <= maxOrder; o++) {
                Node n = freeTail[o];
                if (n != null && (b == null || Long.compareUnsigned(n.offset, b.offset) > 0)) {
                    b = n;
                }
            }
        } else {
            for (int o = order; o <= maxOrder && b == null; o++) {
                b = freeTail[o];
            }
        }
        if (b == null) {
            return null;
        }
        while (b.order != order) {
            split(b);
            b = b.right;
        }
        return b;
    }

    private static boolean overlaps(long s1, long e1, long s2, long e2) {
        return Long.compareUnsigned(s1, e2) <= 0 && Long.compareUnsigned(e1, s2) >= 0;
    }

    private static boolean contains(long s1, long e1, long s2, long e2) {
        return Long.compareUnsigned(s1, s2) <= 0 && Long.compareUnsigned(e1, e2) >= 0;
    }

    /** {@code alloc_range_bias}: a free block of {@code order} inside {@code [start, end)}, splitting on the way. */
    private Node allocRangeBias(long start, long end, int order) {
        long req = blockSize(order);
        long last = end - 1;
        Deque<Node> dfs = new ArrayDeque<>(List.of(roots));
        while (!dfs.isEmpty()) {
            Node b = dfs.pollFirst();
            if (b.order < order) {
                continue;
            }
            long bStart = b.offset;
            long bLast = last(b);
            if (!overlaps(start, last, bStart, bLast) || b.state == State.ALLOCATED) {
                continue;
            }
            if (Long.compareUnsigned(bStart, start) < 0 || Long.compareUnsigned(bLast, last) > 0) {
                long adjStart = Long.compareUnsigned(bStart, start) > 0 ? bStart : start;
                long adjLast = Long.compareUnsigned(bLast, last) < 0 ? bLast : last;
                long roundedEnd = (adjLast + 1) & -req;
                long roundedStart = (adjStart + req - 1) & -req;
                if (Long.compareUnsigned(roundedEnd, roundedStart) <= 0) {
                    continue;
                }
            }
            if (contains(start, last, bStart, bLast) && order == b.order) {
                if (b.state == State.FREE) {
                    return b;
                }
                continue;
            }
            if (b.state != State.SPLIT) {
                split(b);
            }
            dfs.addFirst(b.right);
            dfs.addFirst(b.left);
        }
        return null;
    }

    /** {@code __alloc_range}: exactly {@code [start, start + size)}, or nothing ({@code ENOSPC}). */
    private List<Node> allocRange(Deque<Node> dfs, long start, long size) {
        long last = start + size - 1;
        List<Node> done = new ArrayList<>();
        while (!dfs.isEmpty()) {
            Node b = dfs.pollFirst();
            long bStart = b.offset;
            long bLast = last(b);
            if (!overlaps(start, last, bStart, bLast)) {
                continue;
            }
            if (b.state == State.ALLOCATED || contains(start, last, bStart, bLast) && b.state != State.FREE) {
                for (Node n : done) {
                    free(n);
                }
                throw Errno.ENOSPC.exception("[0x" + Long.toHexString(start) + ", +0x" + Long.toHexString(size)
                        + ") is not all free");
            }
            if (contains(start, last, bStart, bLast)) {
                markAllocated(b);
                done.add(b);
                continue;
            }
            if (b.state != State.SPLIT) {
                split(b);
            }
            dfs.addFirst(b.right);
            dfs.addFirst(b.left);
        }
        return done;
    }

    private Node own(Block b) {
        Node n = b == null ? null : allocated.get(b.offset());
        if (n == null || n.order + chunkShift != b.orderShift()) {
            throw Errno.EINVAL.exception("block " + b + " is not allocated here");
        }
        return n;
    }

    @Override
    public synchronized void freeBlocks(List<Block> blocks) {
        List<Node> nodes = new ArrayList<>();
        for (Block b : blocks) {
            nodes.add(own(b));
        }
        for (Node n : nodes) {
            free(n);
        }
    }

    @Override
    public synchronized List<Block> trim(List<Block> blocks, long newSize) {
        if (blocks == null || blocks.size() != 1) {
            throw Errno.EINVAL.exception("trim takes exactly one block");
        }
        Node b = own(blocks.get(0));
        long blockSize = blockSize(b.order);
        if (Long.compareUnsigned(newSize, blockSize) > 0 || newSize == 0 || (newSize & (chunkSize - 1)) != 0) {
            throw Errno.EINVAL.exception("cannot trim a block of " + Long.toUnsignedString(blockSize) + " bytes to "
                    + Long.toUnsignedString(newSize));
        }
        if (newSize == blockSize) {
            return List.copyOf(blocks);
        }
        // Free the block without merging it upwards, then take the new range out of it alone.
        allocated.remove(b.offset);
        avail += blockSize;
        b.state = State.FREE;
        markFree(b);
        Deque<Node> dfs = new ArrayDeque<>(List.of(b));
        List<Node> kept = allocRange(dfs, b.offset, newSize);
        return blocks(kept);
    }

    /**
     * Checks the tree against the free lists and the free byte count.
     *
     * @return a description of the first breach, or null
     */
    public synchronized String checkInvariants() {
        long free = 0;
        long[] seen = new long[maxOrder + 1];
        Deque<Node> dfs = new ArrayDeque<>(List.of(roots));
        while (!dfs.isEmpty()) {
            Node b = dfs.pollFirst();
            if (b.state == State.SPLIT) {
                // Two free children of a split block are allowed: a range walk that failed leaves its
                // splits, as the kernel's does.
                if (b.left == null || b.right == null) {
                    return "split block at 0x" + Long.toHexString(b.offset) + " without children";
                }
                dfs.addFirst(b.right);
                dfs.addFirst(b.left);
            } else if (b.state == State.FREE) {
                free += blockSize(b.order);
                seen[b.order]++;
            }
        }
        for (int o = 0; o <= maxOrder; o++) {
            if (seen[o] != freeCount[o]) {
                return "order " + o + ": " + seen[o] + " free blocks in the tree, " + freeCount[o] + " listed";
            }
        }
        return free == avail ? null : "free bytes " + Long.toUnsignedString(free) + " != avail " + Long.toUnsignedString(avail);
    }
}
