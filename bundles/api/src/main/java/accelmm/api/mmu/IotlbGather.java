package accelmm.api.mmu;

/**
 * The range of leaf invalidations gathered during an unmap ({@code struct iommu_iotlb_gather}); the
 * driver syncs it (flushes {@code [start, end)}) before reusing the freed addresses.
 *
 * <p>Concurrency: owned by one unmapping thread.
 */
public final class IotlbGather {
    private long start = Long.MAX_VALUE;
    private long end;
    private long pgsize;
    private int pages;

    /** Adds one leaf of {@code size} bytes at {@code iova}. */
    public void add(long iova, long size) {
        start = Math.min(start, iova);
        end = Math.max(end, iova + size);
        pgsize = Math.max(pgsize, size);
        pages++;
    }

    /** Returns true if nothing was gathered. */
    public boolean isEmpty() {
        return pages == 0;
    }

    /** Returns the first gathered address. */
    public long start() {
        return start;
    }

    /** Returns one past the last gathered address. */
    public long end() {
        return end;
    }

    /** Returns the largest gathered page size. */
    public long pgsize() {
        return pgsize;
    }

    /** Returns how many leaves were gathered. */
    public int pages() {
        return pages;
    }
}
