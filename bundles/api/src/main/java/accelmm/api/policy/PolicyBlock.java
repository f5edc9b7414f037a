package accelmm.api.policy;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a policy may know and keep about one block of memory that moves as a unit (a GPU SVM range,
 * a buffer object, a GMEM region): the core records its uses and movements, a policy reads them
 * and keeps its own marks here, so they outlive the policy's bundle.
 *
 * <p>Concurrency: read and written under the device lock. Ticks come from one clock per device,
 * increasing with every use and every move; times are the device's simulated nanoseconds.
 */
@ProviderType
public interface PolicyBlock {
    /** Returns the first address (a virtual address, or 0 for an object). */
    long start();

    /** Returns its size in bytes. */
    long size();

    /** Returns the tick at which it last entered device memory (FIFO order). */
    long insertedAt();

    /** Returns the tick of its last use (LRU order). */
    long lastUse();

    /** Returns how often it was used since it entered device memory (LFU order). */
    long uses();

    /** Returns its reference bit: set by every use, cleared by {@link #secondChance()}. */
    boolean referenced();

    /** CLOCK's second chance: clears the reference bit and moves it to the young end of the FIFO order. */
    void secondChance();

    /** Returns the policy's own mark, 0 until set. */
    long mark();

    /** Sets the policy's own mark. */
    void mark(long value);

    /** Returns the simulated time of its previous movement between memories, or -1 if it never moved. */
    long lastMoveNanos();

    /** Returns the thrashing events counted by a thrashing policy. */
    int thrashEvents();

    /** Sets the thrashing events. */
    void thrashEvents(int events);

    /** Returns how often a thrashing policy throttled it. */
    int throttles();

    /** Sets how often it was throttled. */
    void throttles(int throttles);

    /** Returns the simulated time until which it is pinned where it is (mapped remotely), 0 if it is not. */
    long pinnedUntilNanos();

    /** Pins it where it is until the simulated time {@code nanos}: it is mapped remotely and does not migrate. */
    void pinnedUntilNanos(long nanos);
}
