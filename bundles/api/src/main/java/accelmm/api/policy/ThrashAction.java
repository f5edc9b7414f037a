package accelmm.api.policy;

/** A thrashing policy's answer to a block about to move. */
public enum ThrashAction {
    /** Move it. */
    NONE,
    /** Move it after the faulting processor waited out a nap (charged to its simulated time). */
    THROTTLE,
    /** Leave it where it is for a while ({@link PolicyBlock#pinnedUntilNanos}) and map it remotely. */
    PIN,
    /** Leave it where it is this time and map it remotely. */
    MAP_REMOTE
}
