package accelmm.testing;

import java.util.function.LongSupplier;

import accelmm.api.policy.PolicyBlock;

/**
 * A policy block for scripted policy tests: the state the core keeps for a block, plainly
 * settable, with the ticks of a clock the script owns.
 *
 * <p>Concurrency: single-threaded.
 */
public final class ScriptBlock implements PolicyBlock {
    /** The block's number in the script. */
    public final int id;
    private final LongSupplier clock;
    /** See {@link #insertedAt()}. */
    public long insertedAt;
    /** See {@link #lastUse()}. */
    public long lastUse;
    /** See {@link #uses()}. */
    public long uses;
    /** See {@link #referenced()}. */
    public boolean referenced;
    private long mark;
    /** See {@link #lastMoveNanos()}. */
    public long lastMoveNanos = -1;
    private int thrashEvents;
    private int throttles;
    private long pinnedUntilNanos;

    /** Block {@code id}, whose second chances take ticks of {@code clock}. */
    public ScriptBlock(int id, LongSupplier clock) {
        this.id = id;
        this.clock = clock;
    }

    @Override
    public long start() {
        return (long) id << 21;
    }

    @Override
    public long size() {
        return 2L << 20;
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
        insertedAt = clock.getAsLong();
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
