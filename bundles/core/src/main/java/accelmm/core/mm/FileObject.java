package accelmm.core.mm;

import java.util.Arrays;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.SharedFile;
import accelmm.core.mem.MemoryNode;

/**
 * A shared file object with a page cache of host frames: user files and, for shared anonymous
 * mappings, shmem. The cache holds one reference on each of its frames (the "owner" reference), so
 * a cached page lives while the file lives; the file lives while it is open or mapped.
 *
 * <p>Concurrency: the cache and the reference counts are guarded by this object; page contents are
 * written through the node without a lock, like memory.
 */
final class FileObject implements SharedFile {
    private static final int PAGE = (int) PageSize.PAGE_SIZE;

    private final String name;
    private final long size;
    private final boolean writable;
    private final MemoryNode node;
    private final Counters counters;
    private final long[] pages;
    /** The pool of a hugetlbfs file, whose pages come in huge pages reserved at creation; else null. */
    private final HugetlbPool hugePool;
    private boolean open;
    private int mappings;
    private boolean released;

    /**
     * Creates a file of {@code size} bytes, all zero.
     *
     * @param open false for shmem, which lives only as long as its mappings
     */
    FileObject(String name, long size, boolean writable, boolean open, MemoryNode node, Counters counters) {
        this(name, size, writable, open, node, counters, null);
    }

    /**
     * Creates a file of {@code size} bytes, all zero; with {@code hugePool} a hugetlbfs file whose
     * pages are reserved in the pool now.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad size (for hugetlbfs, not a
     *     positive multiple of 2 MiB); {@code ENOMEM} when the pool cannot reserve it
     */
    FileObject(String name, long size, boolean writable, boolean open, MemoryNode node, Counters counters,
            HugetlbPool hugePool) {
        if (size < 0 || size > (long) Integer.MAX_VALUE * PAGE) {
            throw Errno.EINVAL.exception("file size " + size);
        }
        if (hugePool != null && (size == 0 || size % PageSize.PMD_SIZE != 0)) {
            throw Errno.EINVAL.exception("a hugetlbfs file is a whole number of 2 MiB pages, not " + size + " bytes");
        }
        if (hugePool != null) {
            hugePool.reserve(size / PageSize.PMD_SIZE);
        }
        this.hugePool = hugePool;
        this.name = name;
        this.size = size;
        this.writable = writable;
        this.open = open;
        this.node = node;
        this.counters = counters;
        this.pages = new long[(int) ((size + PAGE - 1) / PAGE)];
        Arrays.fill(pages, -1);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean writable() {
        return writable;
    }

    /** Returns the number of pages the file spans. */
    long pageCount() {
        return pages.length;
    }

    /**
     * Returns the frame of page {@code index}, bringing a zeroed page into the cache if needed.
     *
     * @return the pfn, or -1 beyond the end of the file (the kernel's SIGBUS)
     * @throws accelmm.api.ErrnoException {@code ENOMEM}
     */
    synchronized long page(long index) {
        if (index < 0 || index >= pages.length) {
            return -1;
        }
        long pfn = pages[(int) index];
        if (pfn < 0 && hugePool != null) {
            int first = (int) (index & ~(HugetlbPool.PAGES - 1));
            long head = hugePool.alloc(true);
            for (int i = 0; i < HugetlbPool.PAGES; i++) {
                pages[first + i] = head + i;
            }
            pfn = pages[(int) index];
        } else if (pfn < 0) {
            pfn = node.allocFrame();
            pages[(int) index] = pfn;
        }
        return pfn;
    }

    /** Returns true for a hugetlbfs file: its pages are huge pages and its mappings hugetlb. */
    boolean huge() {
        return hugePool != null;
    }

    @Override
    public synchronized PinnedPages pinPages(long first, int count) {
        if (released || !open) {
            throw Errno.EBADF.exception(name + " is closed");
        }
        if (first < 0 || count < 1 || first + count > pages.length) {
            throw Errno.EINVAL.exception("pages [" + first + ", +" + count + ") are outside " + name);
        }
        long[] pfns = new long[count];
        for (int i = 0; i < count; i++) {
            pfns[i] = page(first + i);
        }
        for (long pfn : pfns) {
            node.pin(pfn);
        }
        counters.add(Counter.GUP_PIN, count);
        return new Pins(node, pfns, counters);
    }

    /** Returns the cached frame of page {@code index}, or -1. */
    synchronized long cached(long index) {
        return index < 0 || index >= pages.length ? -1 : pages[(int) index];
    }

    /** Counts the frames the cache holds. */
    synchronized void countFrames(long[] expected) {
        for (long pfn : pages) {
            if (pfn >= 0) {
                expected[(int) pfn]++;
            }
        }
    }

    synchronized void addMapping() {
        mappings++;
    }

    /** Drops one mapping; the last one of a closed file releases the cache. */
    synchronized void dropMapping() {
        if (--mappings == 0 && !open) {
            release();
        }
    }

    private void release() {
        if (released) {
            return;
        }
        released = true;
        if (hugePool != null) {
            long never = 0;
            for (int g = 0; g < pages.length; g += HugetlbPool.PAGES) {
                never += pages[g] < 0 ? 1 : 0;
            }
            hugePool.unreserve(never);
        }
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] >= 0) {
                node.put(pages[i]);
                pages[i] = -1;
            }
        }
    }

    /** Returns true once the cache has been released. */
    synchronized boolean released() {
        return released;
    }

    @Override
    public int pread(long offset, byte[] dst, int off, int len) {
        checkIo(offset, dst, off, len);
        int n = (int) Math.max(0, Math.min(len, size - offset));
        PageCopy.forEachChunk(offset, n, (pos, in, done, chunk) -> {
            long pfn = cached(pos / PAGE);
            if (pfn < 0) {
                Arrays.fill(dst, off + done, off + done + chunk, (byte) 0);
            } else {
                node.read(pfn, in, dst, off + done, chunk);
            }
        });
        return n;
    }

    @Override
    public int pwrite(long offset, byte[] src, int off, int len) {
        checkIo(offset, src, off, len);
        if (!writable) {
            throw Errno.EBADF.exception(name + " is read-only");
        }
        int n = (int) Math.max(0, Math.min(len, size - offset));
        PageCopy.forEachChunk(offset, n, (pos, in, done, chunk) -> node.write(page(pos / PAGE), in, src, off + done, chunk));
        return n;
    }

    private synchronized void checkIo(long offset, byte[] buf, int off, int len) {
        if (released || !open) {
            throw Errno.EBADF.exception(name + " is closed");
        }
        if (offset < 0 || off < 0 || len < 0 || off + len > buf.length) {
            throw Errno.EINVAL.exception("bad offset or length");
        }
    }

    @Override
    public synchronized void close() {
        if (open) {
            open = false;
            if (mappings == 0) {
                release();
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
