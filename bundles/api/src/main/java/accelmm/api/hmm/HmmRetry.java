package accelmm.api.hmm;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.AddressSpace;

/**
 * The first half of the driver's collision-retry loop ({@code Documentation/mm/hmm.rst}): begin a
 * read section, fault the range, retry on {@code EBUSY} until {@link #TIMEOUT_MS} has passed. The
 * caller then takes its lock, checks {@code range.notifier.readRetry(range.notifierSeq)} and, if it
 * must retry, calls this again; else it programs its PTEs under the lock.
 *
 * <p>Concurrency: stateless.
 */
public final class HmmRetry {
    /** {@code HMM_RANGE_DEFAULT_TIMEOUT}: 1000 ms. */
    public static final long TIMEOUT_MS = 1000;

    private HmmRetry() {
    }

    /**
     * Faults the range until a pass completes without a concurrent invalidation; the requests in
     * {@code range.pfns} are restored before each pass.
     *
     * @throws ErrnoException {@code EBUSY} after the timeout; any other error of
     *     {@link AddressSpace#hmmRangeFault}
     */
    public static void fault(AddressSpace mm, HmmRange range) {
        long[] requests = range.pfns.clone();
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000;
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                throw Errno.EBUSY.exception("the range kept being invalidated for " + TIMEOUT_MS + " ms");
            }
            System.arraycopy(requests, 0, range.pfns, 0, requests.length);
            range.notifierSeq = range.notifier.readBegin();
            try {
                mm.hmmRangeFault(range);
                return;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EBUSY) {
                    throw e;
                }
            }
        }
    }
}
