package accelmm.api.mmu;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The TLB maintenance a device page table asks of its driver ({@code struct iommu_flush_ops}).
 *
 * <p>Concurrency: called on the thread changing the table, with the table's lock held.
 */
@ConsumerType
public interface IoTlbOps {
    /** Invalidates every cached translation. */
    void flushAll();

    /** Invalidates the walk caches of {@code [iova, iova + size)} after tables were freed. */
    void flushWalk(long iova, long size, long granule);

    /** Queues the invalidation of one leaf for a later sync of {@code gather}. */
    default void addPage(IotlbGather gather, long iova, long granule) {
        gather.add(iova, granule);
    }
}
