package accelmm.api.idr;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An ID allocator without objects, with the semantics of the kernel's IDA ({@code ida_alloc_range},
 * {@code ida_free}).
 *
 * <p>Concurrency: thread-safe; allocation and free are serialized inside.
 */
@ProviderType
public interface Ida {
    /**
     * Allocates the lowest free id in {@code [min, max]}; {@code max} is clamped to
     * {@code INT_MAX}.
     *
     * @return the new id
     * @throws accelmm.api.ErrnoException {@code ENOSPC} if {@code min < 0} or no id in range is free;
     *     {@code ENOMEM} under fault injection
     */
    int allocRange(int min, int max);

    /** Allocates the lowest free id ({@code ida_alloc}): {@code allocRange(0, INT_MAX)}. */
    default int alloc() {
        return allocRange(0, Integer.MAX_VALUE);
    }

    /**
     * Frees {@code id}. Freeing an id that is not allocated is a caller bug: it changes nothing and
     * is recorded as a warning, as the kernel's {@code WARN} does.
     *
     * @return true if the id was allocated
     */
    boolean free(int id);

    /** Returns true if {@code id} is allocated. */
    boolean isAllocated(int id);

    /** Returns the number of allocated ids. */
    long count();

    /** Returns true if no id is allocated. */
    boolean isEmpty();

    /** Frees every id ({@code ida_destroy}). */
    void destroy();
}
