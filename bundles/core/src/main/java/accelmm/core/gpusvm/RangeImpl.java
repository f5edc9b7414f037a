package accelmm.core.gpusvm;

import accelmm.api.gpusvm.GpuSvmRange;
import accelmm.api.policy.BlockState;

/**
 * A range of a GPU SVM and what the core knows of it: flags, the hmm entries of its pages from the
 * last get-pages, and what the memory policies record of it (its block: ticks, uses, marks, moves).
 *
 * <p>Concurrency: guarded by the device lock.
 */
final class RangeImpl implements GpuSvmRange {
    private static final long[] NONE = new long[0];
    final GpuSvmImpl svm;
    final long start;
    final long end;
    final boolean writable;
    final boolean userptr;
    boolean mapped;
    boolean unmapped;
    boolean partialUnmap;
    boolean devmem;
    boolean removed;
    long lastUse;
    long[] pfns = NONE;
    /** Set while a fault migrates or binds it: not an eviction candidate. */
    boolean busy;
    /** The pages a prefetch brought in that were not accessed since, or null: wasted if they leave so. */
    long[] prefetched;
    int prefetchedLeft;
    /** What the memory policies know of it. */
    final BlockState policy;

    RangeImpl(GpuSvmImpl svm, long start, long end, boolean writable, boolean userptr, long lastUse) {
        this.svm = svm;
        this.start = start;
        this.end = end;
        this.writable = writable;
        this.userptr = userptr;
        this.lastUse = lastUse;
        this.policy = new BlockState(start, end - start);
    }

    @Override
    public long start() {
        return start;
    }

    @Override
    public long end() {
        return end;
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public boolean userptr() {
        return userptr;
    }

    @Override
    public boolean mapped() {
        return mapped;
    }

    @Override
    public boolean unmapped() {
        return unmapped;
    }

    @Override
    public boolean partialUnmap() {
        return partialUnmap;
    }

    @Override
    public boolean devmem() {
        return devmem;
    }

    @Override
    public long lastUse() {
        return lastUse;
    }

    /** Records that a prefetch brought in every page but {@code faultPage} (-1 for none). */
    void prefetchedAll(long faultAddr) {
        int n = pages();
        prefetched = new long[(n + 63) >>> 6];
        for (int i = 0; i < n; i++) {
            prefetched[i >>> 6] |= 1L << i;
        }
        prefetchedLeft = n;
        if (holds(faultAddr)) {
            used(faultAddr);
        }
    }

    /** Clears a page's prefetched mark; returns true if it had one. */
    boolean used(long addr) {
        int i = (int) ((addr - start) / GpuSvmImpl.PAGE);
        long bit = 1L << i;
        if ((prefetched[i >>> 6] & bit) == 0) {
            return false;
        }
        prefetched[i >>> 6] &= ~bit;
        if (--prefetchedLeft == 0) {
            prefetched = null;
        }
        return true;
    }

    int pages() {
        return (int) ((end - start) / GpuSvmImpl.PAGE);
    }

    boolean holds(long addr) {
        return addr >= start && addr < end;
    }

    @Override
    public String toString() {
        return "range [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ")";
    }
}
