package accelmm.api.notifier;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a mirror (a device page table, a driver's userptr) does when part of its range is
 * invalidated ({@code mmu_interval_notifier_ops}).
 *
 * <p>Concurrency: called by the thread that changes the address space, with the mmap lock held.
 * The callback must take the driver lock that guards its device mappings, call
 * {@link IntervalNotifier#setSeq(long)} with {@code curSeq}, tear down the device mappings of the
 * overlap (DMA mappings included), and return true. It may return false only when the range is not
 * blockable. It must not remove a notifier or take the mmap lock.
 */
@ConsumerType
@FunctionalInterface
public interface IntervalNotifierOps {
    /**
     * Invalidates the overlap of {@code range} with the notifier's interval.
     *
     * @return true when done; false to refuse a non-blockable invalidation (it then fails with
     *     {@code EAGAIN})
     */
    boolean invalidate(IntervalNotifier sub, NotifierRange range, long curSeq);
}
