package accelmm.api.idr;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The callback of {@link Idr#forEach}: {@code fn(id, p, data)} in the kernel.
 *
 * <p>Concurrency: called on the iterating thread, without any lock held.
 *
 * @param <T> the stored type
 */
@ConsumerType
@FunctionalInterface
public interface IdrVisitor<T> {
    /**
     * Visits one entry.
     *
     * @return 0 to go on; anything else stops the walk and becomes its result
     */
    int visit(long id, T value);
}
