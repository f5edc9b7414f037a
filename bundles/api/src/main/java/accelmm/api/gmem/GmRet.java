package accelmm.api.gmem;

/**
 * The outcomes of a device fault or a {@link GmMmu#peerMap} that are not errors (the rest of the
 * seed's {@code enum gm_ret} are errnos here).
 *
 * <p>Concurrency: immutable.
 */
public enum GmRet {
    /** The region is mapped for the device now. */
    SUCCESS,
    /** The region was already on the device; nothing had to move. */
    PAGE_EXIST,
    /**
     * Device memory is over-committed: nothing moved, the region is marked WILLNEED; make room
     * ({@link GmDev#evictLru}) and replay the access.
     */
    MIGRATING
}
