package accelmm.core.gpusvm;

import accelmm.api.gpusvm.GpuSvmRange;

/**
 * A range of a GPU SVM and what the core knows of it: flags, the LRU tick, and the hmm entries of
 * its pages from the last get-pages.
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

    RangeImpl(GpuSvmImpl svm, long start, long end, boolean writable, boolean userptr, long lastUse) {
        this.svm = svm;
        this.start = start;
        this.end = end;
        this.writable = writable;
        this.userptr = userptr;
        this.lastUse = lastUse;
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

    boolean holds(long addr) {
        return addr >= start && addr < end;
    }

    @Override
    public String toString() {
        return "range [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ")";
    }
}
