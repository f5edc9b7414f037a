package accelmm.core.mem;

import java.util.Arrays;

import accelmm.api.PageSize;

/**
 * The bytes of one memory node, backed lazily in 2 MiB chunks.
 *
 * <p>A page whose {@code written} bit is clear reads as zero whatever its chunk holds: a freed page
 * is only marked unwritten ({@link #discard} costs nothing), a partial first write zeroes the page
 * before writing, and a whole-page copy simply overwrites it. So no user ever sees another's data,
 * and a chunk whose last written page goes is recycled through a small pool (at most
 * {@value #POOL_CHUNKS} chunks per node) without being zeroed or reallocated. Untouched pages cost
 * no data memory.
 *
 * <p>Concurrency: chunk creation and discard are serialized by the owning node's lock; reads and
 * writes of page contents are not locked, like real memory: concurrent writers to one page race.
 */
public final class PageData {
    /** Pages per backing chunk: 512 x 4 KiB = 2 MiB. */
    static final int CHUNK_PAGES = 512;
    private static final int PAGE = (int) PageSize.PAGE_SIZE;

    /** Chunks kept for reuse when their last written page goes. */
    static final int POOL_CHUNKS = 4;

    private final byte[][] chunks;
    private final java.util.ArrayDeque<byte[]> pool = new java.util.ArrayDeque<>(POOL_CHUNKS);
    private final short[] writtenInChunk;
    private final long[] written;
    private long backedChunks;

    /** Creates the store for {@code pages} pages. */
    PageData(long pages) {
        int n = (int) ((pages + CHUNK_PAGES - 1) / CHUNK_PAGES);
        chunks = new byte[n][];
        writtenInChunk = new short[n];
        written = new long[(int) ((pages + 63) >>> 6)];
    }

    /** Returns true if the page has been written since it was last discarded. */
    boolean isWritten(long pfn) {
        return (written[(int) (pfn >>> 6)] & (1L << pfn)) != 0;
    }

    /** Copies {@code len} bytes of page {@code pfn} from {@code offset} into {@code dst}. */
    void read(long pfn, int offset, byte[] dst, int dstOff, int len) {
        byte[] c = chunks[(int) (pfn / CHUNK_PAGES)];
        if (c == null || !isWritten(pfn)) {
            Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
            return;
        }
        System.arraycopy(c, (int) (pfn % CHUNK_PAGES) * PAGE + offset, dst, dstOff, len);
    }

    /**
     * Copies {@code len} bytes from {@code src} into page {@code pfn} at {@code offset}, backing
     * the page first. The caller holds the node lock when the page is not yet written.
     */
    void write(long pfn, int offset, byte[] src, int srcOff, int len) {
        byte[] c = backedChunk(pfn, offset != 0 || len != PAGE);
        System.arraycopy(src, srcOff, c, (int) (pfn % CHUNK_PAGES) * PAGE + offset, len);
    }

    /**
     * Returns the chunk of {@code pfn}, creating or recycling it and marking the page written as
     * needed; a page becoming written is zeroed first when {@code partial} (it may hold old bytes).
     */
    private byte[] backedChunk(long pfn, boolean partial) {
        int ci = (int) (pfn / CHUNK_PAGES);
        byte[] c = chunks[ci];
        if (c == null) {
            c = pool.isEmpty() ? new byte[CHUNK_PAGES * PAGE] : pool.pop();
            chunks[ci] = c;
            backedChunks++;
        }
        if (!isWritten(pfn)) {
            if (partial) {
                int at = (int) (pfn % CHUNK_PAGES) * PAGE;
                Arrays.fill(c, at, at + PAGE, (byte) 0);
            }
            written[(int) (pfn >>> 6)] |= 1L << pfn;
            writtenInChunk[ci]++;
        }
        return c;
    }

    /** Copies the whole page {@code from} of {@code src} to page {@code to} of this store. */
    void copyPage(PageData src, long from, long to) {
        if (!src.isWritten(from)) {
            discard(to);
            return;
        }
        byte[] s = src.chunks[(int) (from / CHUNK_PAGES)];
        System.arraycopy(s, (int) (from % CHUNK_PAGES) * PAGE, backedChunk(to, false), (int) (to % CHUNK_PAGES) * PAGE, PAGE);
    }

    /**
     * Forgets a page's contents (it reads as zero from now on) and recycles its chunk when the chunk
     * holds no written page any more.
     */
    void discard(long pfn) {
        if (!isWritten(pfn)) {
            return;
        }
        int ci = (int) (pfn / CHUNK_PAGES);
        written[(int) (pfn >>> 6)] &= ~(1L << pfn);
        if (--writtenInChunk[ci] == 0) {
            if (pool.size() < POOL_CHUNKS) {
                pool.push(chunks[ci]);
            }
            chunks[ci] = null;
            backedChunks--;
        }
    }

    /** Returns the bytes of data memory in use. */
    long backedBytes() {
        return backedChunks * CHUNK_PAGES * (long) PAGE;
    }
}
