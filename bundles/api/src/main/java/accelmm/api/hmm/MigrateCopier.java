package accelmm.api.hmm;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The driver's step between collecting and committing a migration
 * ({@code alloc_and_copy} in {@code lib/test_hmm.c}): for each collected page, allocate a
 * destination, copy the source into it (or zero-fill it when the source has no page), and store it
 * in {@code dst}; leave {@code dst[i] == 0} to skip the page.
 *
 * <p>Concurrency: called with the address space's locks held; it must not access the same address
 * space.
 */
@ConsumerType
@FunctionalInterface
public interface MigrateCopier {
    /** Fills {@code args.dst}. */
    void allocAndCopy(MigrateVma args);
}
