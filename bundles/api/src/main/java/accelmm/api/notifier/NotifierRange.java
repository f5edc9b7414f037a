package accelmm.api.notifier;

/**
 * The range an invalidation covers ({@code struct mmu_notifier_range}): the half-open
 * {@code [start, end)}, why, whether the callback may block, and for migrations the owner.
 *
 * <p>Concurrency: immutable.
 *
 * @param start first address
 * @param end one past the last address
 * @param event why
 * @param blockable false when the callback must not sleep; it may then refuse by returning false
 * @param owner for {@link NotifierEvent#MIGRATE} and {@link NotifierEvent#EXCLUSIVE}: the owner
 *     passed by the caller (a driver may ignore its own migrations); otherwise null
 */
public record NotifierRange(long start, long end, NotifierEvent event, boolean blockable, Object owner) {
    /** Returns true if {@code [start, last]} (closed) overlaps this range. */
    public boolean overlaps(long start, long last) {
        return start < this.end && last >= this.start;
    }
}
