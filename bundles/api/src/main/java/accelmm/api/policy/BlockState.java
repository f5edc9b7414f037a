package accelmm.api.policy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link PolicyBlock} kept by the core inside an object of its own (a buffer object, a GMEM
 * region): the uses, ticks and marks a policy reads and writes, and {@link #used()} and
 * {@link #entered()} for the core to record what happened. Ticks come from one host-wide clock.
 *
 * <p>Concurrency: guarded by the lock of the object that holds it (the device lock for a buffer
 * object, the recency list's for a GMEM region).
 */
public final class BlockState implements PolicyBlock {
    private static final AtomicLong TICKS = new AtomicLong();

    private final long start;
    private final long size;
    private long insertedAt;
    private long lastUse;
    private long uses;
    private boolean referenced;
    private long mark;
    private long lastMoveNanos = -1;
    private int thrashEvents;
    private int throttles;
    private long pinnedUntilNanos;

    /** The state of a block of {@code size} bytes at {@code start}, entering device memory now. */
    public BlockState(long start, long size) {
        this.start = start;
        this.size = size;
        entered();
    }

    /** Records a use: the LRU tick, the use count and the reference bit. */
    public void used() {
        lastUse = TICKS.incrementAndGet();
        uses++;
        referenced = true;
    }

    /** Records that the block (again) entered device memory: the FIFO tick, uses from zero. */
    public void entered() {
        insertedAt = TICKS.incrementAndGet();
        lastUse = insertedAt;
        uses = 0;
    }

    /** Records a move between memories at simulated time {@code nanos}. */
    public void moved(long nanos) {
        lastMoveNanos = nanos;
    }

    @Override
    public long start() {
        return start;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long insertedAt() {
        return insertedAt;
    }

    @Override
    public long lastUse() {
        return lastUse;
    }

    @Override
    public long uses() {
        return uses;
    }

    @Override
    public boolean referenced() {
        return referenced;
    }

    @Override
    public void secondChance() {
        referenced = false;
        insertedAt = TICKS.incrementAndGet();
    }

    @Override
    public long mark() {
        return mark;
    }

    @Override
    public void mark(long value) {
        mark = value;
    }

    @Override
    public long lastMoveNanos() {
        return lastMoveNanos;
    }

    @Override
    public int thrashEvents() {
        return thrashEvents;
    }

    @Override
    public void thrashEvents(int events) {
        thrashEvents = events;
    }

    @Override
    public int throttles() {
        return throttles;
    }

    @Override
    public void throttles(int throttles) {
        this.throttles = throttles;
    }

    @Override
    public long pinnedUntilNanos() {
        return pinnedUntilNanos;
    }

    @Override
    public void pinnedUntilNanos(long nanos) {
        pinnedUntilNanos = nanos;
    }
}
