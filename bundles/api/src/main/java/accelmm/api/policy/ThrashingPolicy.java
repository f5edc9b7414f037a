package accelmm.api.policy;

/**
 * Sees every block about to move into device memory and answers whether it is thrashing, as UVM's
 * detector: a block that moves too often within a lapse is throttled, then pinned and mapped remotely.
 *
 * <p>Context: runs under the device lock and must not allocate per call.
 */
public interface ThrashingPolicy extends Policy {
    @Override
    default PolicyKind kind() {
        return PolicyKind.THRASHING;
    }

    /**
     * Judges a move of {@code block} at simulated time {@code nowNanos}; the core records the move
     * ({@link PolicyBlock#lastMoveNanos}) after the call. For {@link ThrashAction#THROTTLE} the core
     * charges the faulting process {@link #napNanos}.
     */
    ThrashAction moved(PolicyBlock block, long nowNanos, PolicyParams params);

    /** Returns how long a throttled processor waits, in simulated nanoseconds. */
    default long napNanos(PolicyParams params) {
        return 0;
    }
}
