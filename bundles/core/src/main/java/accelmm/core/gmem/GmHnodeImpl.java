package accelmm.core.gmem;

import accelmm.api.gmem.GmHnode;

/**
 * Registered device memory: a range of the node and how many of its pages are taken.
 *
 * <p>Concurrency: the counts change under the owning {@link GmDevImpl}'s monitor.
 */
final class GmHnodeImpl implements GmHnode {
    private final int nid;
    private final long begin;
    private final long end;
    private volatile long free;

    GmHnodeImpl(int nid, long begin, long end) {
        this.nid = nid;
        this.begin = begin;
        this.end = end;
        this.free = pages();
    }

    @Override
    public int nid() {
        return nid;
    }

    @Override
    public long begin() {
        return begin;
    }

    @Override
    public long end() {
        return end;
    }

    @Override
    public long pages() {
        return (end - begin) >>> 12;
    }

    @Override
    public long freePages() {
        return free;
    }

    void take() {
        free--;
    }

    void give() {
        free++;
    }

    boolean overlaps(long b, long e) {
        return b < end && e > begin;
    }
}
