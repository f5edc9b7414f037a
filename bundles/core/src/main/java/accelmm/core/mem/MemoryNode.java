package accelmm.core.mem;

import java.util.List;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mm.Block;
import accelmm.api.mm.NodeInfo;
import accelmm.api.mm.NodeKind;
import accelmm.core.fault.FailSite;

/**
 * One memory node (host RAM or device memory): page frames numbered by pfn, a buddy allocator over
 * them, per-frame state in primitive arrays, and the frames' bytes.
 *
 * <p>Per frame: a reference count (mappings + pins + owners) and a pin count, 8 bytes in all,
 * stored in segments made on first use, so a large node costs what was used of it. A
 * frame is free exactly when its reference count is 0: it is then held by the buddy allocator or by
 * a short list of free single frames kept for quick reuse (like the kernel's per-CPU page lists),
 * which is given back to the buddy allocator before any allocation of more than one frame that
 * would otherwise fail. {@link #put} frees a frame whose last reference goes; a pinned frame always
 * holds a reference, so it is never freed.
 *
 * <p>Concurrency: allocation and reference counting synchronize on the node; page contents are
 * read and written without a lock (see {@link PageData}).
 */
public final class MemoryNode {
    /** Order of a 2 MiB huge page in base pages. */
    public static final int HUGE_ORDER = PageSize.PMD_SHIFT - PageSize.PAGE_SHIFT;

    private final int id;
    private final String name;
    private final NodeKind kind;
    private final long frames;
    private final BuddyAllocator buddy;
    private final SparseInts refcount;
    private final SparseInts pincount;
    private final PageData data;
    /**
     * One bit per 2 MiB block of frames, set while the block is one huge page: allocated by
     * {@link #allocHuge} and none of its frames freed since (a compound page until it is split).
     */
    private final SparseBits huge;
    private final FailSite allocSite;
    private long usedFrames;
    private long peakFrames;
    /** Free single frames kept out of the buddy allocator for reuse (the kernel's per-CPU page lists). */
    private final long[] pcp = new long[PCP_MAX];
    private int pcpCount;

    /** The most free frames the per-node list holds before frees go back to the buddy allocator. */
    static final int PCP_MAX = 1024;

    /**
     * Creates a node.
     *
     * @param size bytes; rounded down to whole pages
     * @param allocSite fault site asked once per frame allocation, or null
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a size below one page
     */
    public MemoryNode(int id, String name, NodeKind kind, long size, FailSite allocSite) {
        this.id = id;
        this.name = name;
        this.kind = kind;
        this.buddy = new BuddyAllocator(size, PageSize.PAGE_SIZE);
        this.frames = buddy.size() >>> PageSize.PAGE_SHIFT;
        this.refcount = new SparseInts(frames);
        this.pincount = new SparseInts(frames);
        this.data = new PageData(frames);
        this.huge = new SparseBits((int) ((frames >>> HUGE_ORDER) + 64 >>> 6));
        this.allocSite = allocSite;
    }

    /**
     * Returns the bytes of per-frame state the node holds: reference and pin counts, the
     * allocator's orders, states and bitmaps, each made in segments where frames were used (about
     * 10 bytes a used frame, and an index of 4 bytes per segment of 4096 frames), not for the node's
     * size; page contents are apart ({@link NodeInfo#backedBytes}).
     */
    public synchronized long metadataBytes() {
        return refcount.bytes() + pincount.bytes() + buddy.metadataBytes() + huge.bytes();
    }

    /** Returns the buddy allocator's largest order. */
    public int maxOrder() {
        return buddy.maxOrder();
    }

    /** Returns the node id. */
    public int id() {
        return id;
    }

    /** Returns the node name. */
    public String name() {
        return name;
    }

    /** Returns the number of frames. */
    public long frames() {
        return frames;
    }

    /** Returns a snapshot of the node's figures. */
    public synchronized NodeInfo info() {
        return new NodeInfo(id, name, kind, frames << PageSize.PAGE_SHIFT, usedFrames << PageSize.PAGE_SHIFT,
                peakFrames << PageSize.PAGE_SHIFT, data.backedBytes());
    }

    // ---- frames -------------------------------------------------------------------------------

    /**
     * Allocates a zeroed frame with one reference.
     *
     * @return the pfn
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if the node is full or the fault site fails
     */
    public synchronized long allocFrame() {
        return allocOrder(0);
    }

    /**
     * Allocates {@code 2^order} contiguous zeroed frames, each with one reference; the block is
     * split at once so that its frames are freed one by one, as a huge page is.
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM}
     */
    public synchronized long allocFrames(int order) {
        return allocOrder(order);
    }

    /**
     * Allocates a huge page: {@code 2^HUGE_ORDER} aligned frames as {@link #allocFrames}, remembered
     * as one page until one of them is freed ({@link #isHugeHead}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM}
     */
    public synchronized long allocHuge() {
        long pfn = allocOrder(HUGE_ORDER);
        huge.setBit(pfn >>> HUGE_ORDER);
        return pfn;
    }

    /** Returns true if {@code pfn} heads a huge page from {@link #allocHuge} none of whose frames was freed. */
    public synchronized boolean isHugeHead(long pfn) {
        if (pfn < 0 || pfn >= frames || (pfn & ((1L << HUGE_ORDER) - 1)) != 0) {
            return false;
        }
        long b = pfn >>> HUGE_ORDER;
        return (huge.word((int) (b >>> 6)) >>> b & 1) != 0;
    }

    /** Forgets that the huge page headed by {@code pfn}, if it is one, is whole: it is mapped by pages now. */
    public synchronized void splitHuge(long pfn) {
        if (pfn >= 0 && pfn < frames && (pfn & ((1L << HUGE_ORDER) - 1)) == 0) {
            huge.clearBit(pfn >>> HUGE_ORDER);
        }
    }

    private long allocOrder(int order) {
        if (allocSite != null && allocSite.shouldFail()) {
            throw Errno.ENOMEM.exception("injected page allocation failure on " + name);
        }
        long pfn;
        if (order == 0 && pcpCount > 0) {
            pfn = pcp[--pcpCount];
        } else {
            pfn = buddy.allocChunks(order, false);
            if (pfn < 0 && pcpCount > 0) {
                drainPcp();
                pfn = buddy.allocChunks(order, false);
            }
        }
        if (pfn < 0) {
            throw new NoMemoryException(this, name + " has no free block of " + (PageSize.PAGE_SIZE << order) + " bytes");
        }
        if (order > 0) {
            buddy.splitAllocated(pfn);
        }
        for (long p = pfn; p < pfn + (1L << order); p++) {
            refcount.set(p, 1);
        }
        usedFrames += 1L << order;
        peakFrames = Math.max(peakFrames, usedFrames);
        return pfn;
    }

    /** Takes one more reference on an allocated frame. */
    public synchronized void get(long pfn) {
        check(pfn);
        refcount.add(pfn, 1);
    }

    /**
     * Drops a reference; the last one frees the frame (its bytes are zeroed and released).
     *
     * @return true if the frame was freed
     */
    public synchronized boolean put(long pfn) {
        check(pfn);
        if (refcount.get(pfn) <= pincount.get(pfn)) {
            throw new IllegalStateException("frame " + pfn + " of " + name + " would drop a pin's reference");
        }
        int r = refcount.add(pfn, -1);
        if (r > 0) {
            return false;
        }
        data.discard(pfn);
        huge.clearBit(pfn >>> HUGE_ORDER);
        if (pcpCount < PCP_MAX) {
            pcp[pcpCount++] = pfn;
        } else {
            buddy.freeChunks(pfn);
        }
        usedFrames--;
        return true;
    }

    /** Gives every frame of the per-node free list back to the buddy allocator. */
    private void drainPcp() {
        while (pcpCount > 0) {
            buddy.freeChunks(pcp[--pcpCount]);
        }
    }

    /** Pins a frame: one more reference and one more pin. */
    public synchronized void pin(long pfn) {
        check(pfn);
        refcount.add(pfn, 1);
        pincount.add(pfn, 1);
    }

    /**
     * Unpins a frame and drops the pin's reference.
     *
     * @throws IllegalStateException if the frame is not pinned
     */
    public synchronized boolean unpin(long pfn) {
        check(pfn);
        if (pincount.get(pfn) == 0) {
            throw new IllegalStateException("frame " + pfn + " of " + name + " is not pinned");
        }
        pincount.add(pfn, -1);
        return put(pfn);
    }

    /** Returns the reference count of a frame (0 when free). */
    public synchronized int refcount(long pfn) {
        return refcount.get(pfn);
    }

    /** Returns the pin count of a frame. */
    public synchronized int pincount(long pfn) {
        return pincount.get(pfn);
    }

    /** Returns true if the frame has exactly one reference and no pin: its one mapping may move it. */
    public synchronized boolean soleUnpinned(long pfn) {
        return refcount.get(pfn) == 1 && pincount.get(pfn) == 0;
    }

    /** Returns true if the frame is allocated. */
    public synchronized boolean isAllocated(long pfn) {
        return pfn >= 0 && pfn < frames && refcount.get(pfn) > 0;
    }

    private void check(long pfn) {
        if (pfn < 0 || pfn >= frames || refcount.get(pfn) <= 0) {
            throw new IllegalStateException("pfn " + pfn + " is not an allocated frame of " + name);
        }
    }

    // ---- bytes --------------------------------------------------------------------------------

    /** Reads bytes of a frame; an unwritten frame reads as zero. */
    public void read(long pfn, int offset, byte[] dst, int dstOff, int len) {
        data.read(pfn, offset, dst, dstOff, len);
    }

    /** Writes bytes into a frame. */
    public void write(long pfn, int offset, byte[] src, int srcOff, int len) {
        data.write(pfn, offset, src, srcOff, len, this);
    }

    /** Returns the stamp a frame reads as ({@link accelmm.api.mm.Stamps}); 0 for an unwritten frame. */
    public long readStamp(long pfn) {
        return data.readStamp(pfn);
    }

    /** Makes a frame hold a stamp ({@link accelmm.api.mm.Stamps}) instead of bytes; 0 makes it read as zero. */
    public void writeStamp(long pfn, long stamp) {
        data.writeStamp(pfn, stamp, this);
    }

    /**
     * Copies a whole frame from another (or this) node. The frames share their bytes, so the copy
     * itself copies nothing; a migration, which then frees the source, moves them.
     */
    public void copyFrom(MemoryNode src, long srcPfn, long dstPfn) {
        synchronized (this) {
            data.copyPage(src.data, srcPfn, dstPfn, true);
        }
    }

    /**
     * Copies a whole frame's bytes at once, for a copy about to be written while the source stays
     * (a copy-on-write break): sharing would only make both sides copy later.
     */
    public void copyNowFrom(MemoryNode src, long srcPfn, long dstPfn) {
        synchronized (this) {
            data.copyPage(src.data, srcPfn, dstPfn, false);
        }
    }

    // ---- blocks (device memory managers) -----------------------------------------------------

    /**
     * Allocates blocks with {@code drm_buddy} semantics; see {@link BuddyAllocator#allocBlocks}.
     * Every frame of the blocks gets one reference.
     */
    public synchronized List<Block> allocBlocks(long start, long end, long size, long minBlockSize, int flags) {
        if (allocSite != null && allocSite.shouldFail()) {
            throw Errno.ENOMEM.exception("injected block allocation failure on " + name);
        }
        drainPcp();
        List<Block> blocks = buddy.allocBlocks(start, end, size, minBlockSize, flags);
        for (Block b : blocks) {
            long first = b.offset() >>> PageSize.PAGE_SHIFT;
            for (long p = first; p < first + (b.size() >>> PageSize.PAGE_SHIFT); p++) {
                refcount.set(p, 1);
            }
            usedFrames += b.size() >>> PageSize.PAGE_SHIFT;
        }
        peakFrames = Math.max(peakFrames, usedFrames);
        return blocks;
    }

    /** Frees blocks from {@link #allocBlocks}; their bytes are zeroed. */
    public synchronized void freeBlocks(List<Block> blocks) {
        for (Block b : blocks) {
            long first = b.offset() >>> PageSize.PAGE_SHIFT;
            for (long p = first; p < first + (b.size() >>> PageSize.PAGE_SHIFT); p++) {
                refcount.set(p, 0);
                data.discard(p);
            }
            usedFrames -= b.size() >>> PageSize.PAGE_SHIFT;
        }
        buddy.freeBlocks(blocks);
    }

    // ---- invariants ---------------------------------------------------------------------------

    /**
     * Checks the node: the allocator is consistent, no frame is both free and referenced, pins
     * never exceed references, and the used count matches.
     *
     * @return null if all hold, else the first breach
     */
    public synchronized String checkInvariants() {
        String err = buddy.checkInvariants();
        if (err != null) {
            return name + ": " + err;
        }
        long referenced = 0;
        for (long p = 0; p < frames; p++) {
            if (!refcount.present(p) && !pincount.present(p)) {
                p |= SparseInts.SEGMENT - 1;
                continue;
            }
            int r = refcount.get(p);
            if (r < 0 || pincount.get(p) > r) {
                return name + ": frame " + p + " has refcount " + r + " and pin count " + pincount.get(p);
            }
            if (r > 0) {
                referenced++;
            }
        }
        for (int i = 0; i < pcpCount; i++) {
            if (refcount.get(pcp[i]) != 0) {
                return name + ": frame " + pcp[i] + " is on the free list with references";
            }
        }
        if (frames - referenced != (buddy.available() >>> PageSize.PAGE_SHIFT) + pcpCount || referenced != usedFrames) {
            return name + ": " + referenced + " frames referenced, " + usedFrames + " counted used, "
                    + (buddy.available() >>> PageSize.PAGE_SHIFT) + " free in the allocator, " + pcpCount + " listed free";
        }
        return null;
    }
}
