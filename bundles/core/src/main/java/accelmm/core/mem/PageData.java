package accelmm.core.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

import accelmm.api.PageSize;
import accelmm.api.mm.Stamps;
import accelmm.core.concurrent.Handles;

/**
 * The bytes of one memory node: each written page holds its own 4 KiB buffer, and a whole-page
 * copy may share the buffer instead of copying it.
 *
 * <p>A page without a buffer reads as zero: a freed page simply drops its buffer, and untouched
 * pages cost no data memory (the slots themselves come 512 at a time, for the 2 MiB around the
 * first written page). A buffer counts the pages holding it. A page may write its buffer in place
 * only while it is the one holder; otherwise it first takes a private copy. A page that takes a
 * copy leaves its count on the old buffer, so only frees make a buffer private again: a migration,
 * which copies a page and frees the source, moves the buffer, and the destination then writes it
 * in place. The bytes each page reads are always its own.
 *
 * <p>A page may hold a stamp instead of a buffer ({@link Stamps}): it reads as the stamp's
 * expansion, is shared by copies (it never changes), and a byte write gives the page a buffer
 * holding the expansion first.
 *
 * <p>Concurrency: a page's slot changes only under its own node's lock (first write, copy-on-write,
 * copy-into, discard) and is published with release stores; holder counts change atomically.
 * Reads, and writes into a buffer the page holds alone, take no lock, like real memory: concurrent
 * writers to one page race, and a write racing a copy of the same page may or may not reach the
 * copy. Nothing reads a page while it is freed (the CPU reads under the page-table lock, DMA
 * through pins), which is what lets the last holder write a buffer others held.
 */
final class PageData {
    /** Slots per lazily created slot array: 512 x 4 KiB = 2 MiB of pages. */
    static final int CHUNK_PAGES = 512;
    private static final int PAGE = (int) PageSize.PAGE_SIZE;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Frame[].class);
    private static final VarHandle CHUNK = MethodHandles.arrayElementVarHandle(Frame[][].class);
    private static final VarHandle HOLDERS = Handles.field(MethodHandles.lookup(), Frame.class, "holders", int.class);

    /**
     * One page buffer and the number of pages holding it (frees only ever lower it); or, with no
     * buffer, a stamp that stands for the page's content ({@link Stamps}), which never changes.
     */
    private static final class Frame {
        final byte[] bytes;
        final long stamp;
        volatile int holders = 1;

        Frame(byte[] bytes) {
            this.bytes = bytes;
            this.stamp = 0;
        }

        Frame(long stamp) {
            this.bytes = null;
            this.stamp = stamp;
        }
    }

    private final Frame[][] chunks;
    private long backedPages;
    private long stampedPages;

    /** Creates the store for {@code pages} pages. */
    PageData(long pages) {
        chunks = new Frame[(int) ((pages + CHUNK_PAGES - 1) / CHUNK_PAGES)][];
    }

    private Frame frame(long pfn) {
        Frame[] c = (Frame[]) CHUNK.getAcquire(chunks, (int) (pfn / CHUNK_PAGES));
        return c == null ? null : (Frame) SLOT.getAcquire(c, (int) (pfn % CHUNK_PAGES));
    }

    /**
     * Puts {@code f} (or null) in a page's slot; the caller holds the node lock. The frame it
     * replaces loses a holder when {@code release}, and keeps its count after a copy-on-write.
     */
    private void install(long pfn, Frame f, boolean release) {
        int ci = (int) (pfn / CHUNK_PAGES);
        Frame[] c = chunks[ci];
        if (c == null) {
            if (f == null) {
                return;
            }
            c = new Frame[CHUNK_PAGES];
            CHUNK.setRelease(chunks, ci, c);
        }
        int i = (int) (pfn % CHUNK_PAGES);
        Frame old = c[i];
        backedPages += (f != null && f.bytes != null ? 1 : 0) - (old != null && old.bytes != null ? 1 : 0);
        stampedPages += (f != null && f.bytes == null ? 1 : 0) - (old != null && old.bytes == null ? 1 : 0);
        SLOT.setRelease(c, i, f);
        if (old != null && release) {
            HOLDERS.getAndAdd(old, -1);
        }
    }

    /** Returns true if the page has been written since it was last discarded. */
    boolean isWritten(long pfn) {
        return frame(pfn) != null;
    }

    /** Copies {@code len} bytes of page {@code pfn} from {@code offset} into {@code dst}. */
    void read(long pfn, int offset, byte[] dst, int dstOff, int len) {
        Frame f = frame(pfn);
        if (f == null) {
            Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
            return;
        }
        if (f.bytes == null) {
            Stamps.expand(f.stamp, offset, dst, dstOff, len);
            return;
        }
        System.arraycopy(f.bytes, offset, dst, dstOff, len);
    }

    /** The stamp page {@code pfn} reads as: 0 unwritten, its stamp, or what {@link Stamps#ofBytes} makes of its bytes. */
    long readStamp(long pfn) {
        Frame f = frame(pfn);
        return f == null ? 0 : f.bytes == null ? f.stamp : Stamps.ofBytes(f.bytes);
    }

    /** Makes page {@code pfn} hold {@code stamp} (0: the zero page); under {@code lock} (the node's). */
    void writeStamp(long pfn, long stamp, Object lock) {
        synchronized (lock) {
            install(pfn, stamp == 0 ? null : new Frame(stamp), true);
        }
    }

    /**
     * Copies {@code len} bytes from {@code src} into page {@code pfn} at {@code offset}. A page
     * without a buffer of its own gets one first, under {@code lock} (the node's).
     */
    void write(long pfn, int offset, byte[] src, int srcOff, int len, Object lock) {
        Frame f = frame(pfn);
        if (f == null || f.holders != 1 || f.bytes == null) {
            synchronized (lock) {
                f = own(pfn);
            }
        }
        System.arraycopy(src, srcOff, f.bytes, offset, len);
    }

    /** Returns the frame the page holds alone, creating (zeroed) or copying it; under the node lock. */
    private Frame own(long pfn) {
        Frame f = frame(pfn);
        if (f != null && f.holders == 1 && f.bytes != null) {
            return f;
        }
        Frame mine = new Frame(f == null ? new byte[PAGE] : f.bytes == null ? Stamps.page(f.stamp) : f.bytes.clone());
        install(pfn, mine, false);
        return mine;
    }

    /**
     * Makes page {@code to} of this store read as page {@code from} of {@code src}: sharing its
     * buffer when {@code share}, else with a private copy of the bytes. The caller holds this
     * node's lock.
     */
    void copyPage(PageData src, long from, long to, boolean share) {
        Frame f = src.frame(from);
        if (f != null && (share || f.bytes == null)) {
            HOLDERS.getAndAdd(f, 1);
        } else if (f != null) {
            f = new Frame(f.bytes.clone());
        }
        install(to, f, true);
    }

    /** Forgets a page's contents (it reads as zero from now on); the caller holds the node lock. */
    void discard(long pfn) {
        install(pfn, null, true);
    }

    /** Returns the bytes of data memory in use: one page for each page holding a buffer, shared or not, and a stamp's 8 bytes. */
    long backedBytes() {
        return backedPages * PAGE + stampedPages * Long.BYTES;
    }
}
