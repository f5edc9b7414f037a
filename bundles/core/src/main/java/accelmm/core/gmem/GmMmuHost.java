package accelmm.core.gmem;

import accelmm.api.gmem.GmMmu;

/**
 * A device of this core that can route GMEM MMU callbacks to its bound driver.
 *
 * <p>Concurrency: thread-safe.
 */
public interface GmMmuHost {
    /** Returns callbacks that reach whichever driver is bound at each call. */
    GmMmu gmMmu();
}
