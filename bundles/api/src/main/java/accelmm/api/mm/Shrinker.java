package accelmm.api.mm;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A cache that gives host memory back when the host runs short ({@code struct shrinker}): before a
 * CPU access, a populate, a pin or an HMM range fault answers {@code ENOMEM} because the host node
 * is full, the memory manager asks each registered shrinker how many pages it could free
 * ({@link #count}, {@code count_objects}) and asks those that hold some to free them
 * ({@link #scan}, {@code scan_objects}), then tries the allocation again. Fault injection's
 * failures are not reclaimed, as {@code fail_page_alloc} fails before reclaim.
 *
 * <p>Context: called on the allocating thread with no memory-manager lock held, but possibly with
 * locks its caller holds (a driver in the middle of an ioctl). A shrinker therefore never waits
 * for a lock: it tries its locks and answers {@link #SHRINK_STOP} when it cannot take them now,
 * or when the allocating thread is itself inside the cache's owner.
 */
@ConsumerType
public interface Shrinker {
    /** {@link #scan} could not take its locks now; the memory manager goes on to the next shrinker. */
    long SHRINK_STOP = -1;

    /** Returns the pages the cache could free now; 0 when it holds none (or cannot tell now). */
    long count();

    /**
     * Frees up to about {@code nrPages} pages.
     *
     * @param nrPages at least 1
     * @return the pages freed, or {@link #SHRINK_STOP}
     */
    long scan(long nrPages);

    /** A shrinker's place in the memory manager. */
    @org.osgi.annotation.versioning.ProviderType
    interface Registration {
        /** Removes the shrinker; it is not called after this returns. A second call does nothing. */
        void unregister();
    }
}
