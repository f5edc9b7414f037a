package accelmm.core.diag;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the kernel's {@code WARN}s: a caller broke a rule that the kernel does not turn into an
 * error (freeing an unallocated IDA id, an IDR entry above {@code INT_MAX} met by an int walk).
 * The call goes on; the count is what tests and {@code mm:stats} look at.
 *
 * <p>Concurrency: thread-safe.
 */
public final class Warnings {
    private static final Logger LOG = LoggerFactory.getLogger(Warnings.class);

    private final AtomicLong count = new AtomicLong();

    /** Records one warning; logs it at WARN the first time and at DEBUG after that. */
    public void warn(String what) {
        if (count.getAndIncrement() == 0) {
            LOG.warn("WARNING: {}", what);
        } else {
            LOG.debug("WARNING: {}", what);
        }
    }

    /** Returns how many warnings have been recorded. */
    public long count() {
        return count.get();
    }
}
