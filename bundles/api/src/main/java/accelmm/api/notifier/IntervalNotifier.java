package accelmm.api.notifier;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A subscription to invalidations of a closed interval of an address space
 * ({@code mmu_interval_notifier}), with the collision-retry protocol of {@code mm/mmu_notifier.c}.
 *
 * <p>The protocol, for a driver that mirrors CPU pages into a device page table:
 * <pre>{@code
 * again:
 *   long seq = sub.readBegin();          // waits while an invalidation covers the notifier
 *   ... fault and collect pages (hmm range fault) without the driver lock ...
 *   synchronized (driverLock) {
 *       if (sub.readRetry(seq)) goto again;   // an invalidation ran meanwhile: the snapshot is stale
 *       ... program device PTEs ...
 *   }
 * }</pre>
 * The address space keeps a sequence number that is odd while an invalidation is running and even
 * otherwise; each notifier keeps the value of the last invalidation that touched it. A snapshot is
 * stale exactly when the notifier's value changed after {@link #readBegin()}.
 *
 * <p>Concurrency: thread-safe. {@link #readRetry} must be called with the driver lock held that the
 * invalidate callback also takes; {@link #setSeq} only from the callback.
 */
@ProviderType
public interface IntervalNotifier {
    /** Returns the first address of the interval. */
    long start();

    /** Returns the last address of the interval (closed). */
    long last();

    /**
     * Starts a read section ({@code mmu_interval_read_begin}); blocks while an invalidation that
     * touches this notifier is running.
     *
     * @return the sequence to pass to {@link #readRetry}
     */
    long readBegin();

    /**
     * Returns true if the read section that began with {@code seq} must be retried
     * ({@code mmu_interval_read_retry}); call with the driver lock held.
     */
    boolean readRetry(long seq);

    /** Like {@link #readRetry} but without the driver lock: an early-out hint only. */
    boolean checkRetry(long seq);

    /** Records the invalidation's sequence; called by the invalidate callback under the driver lock. */
    void setSeq(long curSeq);

    /**
     * Removes the notifier ({@code mmu_interval_notifier_remove}); if an invalidation is running,
     * waits for it, after which no callback runs or will run.
     *
     * @throws IllegalStateException if called from an invalidate callback (it would deadlock)
     */
    void remove();
}
