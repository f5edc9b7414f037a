package accelmm.api.mm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Pages pinned by {@link AddressSpace#pinUserPages}: their frames are neither freed nor moved until
 * {@link #unpin()}, even if the range is unmapped meanwhile.
 *
 * <p>Concurrency: thread-safe; {@link #unpin()} takes effect once.
 */
@ProviderType
public interface PinnedPages {
    /** Returns the node of the frames. */
    int node();

    /** Returns the page frame numbers, one per pinned page, in address order. */
    long[] pfns();

    /** Returns the pages' global frame numbers ({@link PhysAddr#globalPfn}), in address order. */
    default long[] globalPfns() {
        long[] pfns = pfns().clone();
        for (int i = 0; i < pfns.length; i++) {
            pfns[i] = PhysAddr.globalPfn(node(), pfns[i]);
        }
        return pfns;
    }

    /** Releases the pins; a second call does nothing and returns false. */
    boolean unpin();
}
