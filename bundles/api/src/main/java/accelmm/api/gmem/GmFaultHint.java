package accelmm.api.gmem;

/**
 * A hint passed with a device fault ({@code GM_FAULT_HINT_*}).
 *
 * <p>Concurrency: immutable.
 */
public enum GmFaultHint {
    /** No hint. */
    NONE,
    /** The region is hot: map it even if it is already on the device and keep it there (WILLNEED). */
    MARK_HOT
}
