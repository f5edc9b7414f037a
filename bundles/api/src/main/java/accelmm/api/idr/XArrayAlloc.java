package accelmm.api.idr;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An allocating XArray ({@code DEFINE_XARRAY_ALLOC}, {@code xa_alloc}, {@code xa_alloc_cyclic}).
 *
 * <p>It differs from {@link Idr} in the kernel's own ways: a full limit answers {@code EBUSY}, not
 * {@code ENOSPC}; limits are inclusive; and a cyclic allocation reports whether it wrapped.
 * {@code null} entries reserve their index, as {@code XA_ZERO_ENTRY} does.
 *
 * <p>Concurrency: {@link #load} is lock-free; writers are serialized inside.
 *
 * @param <T> the stored type
 */
@ProviderType
public interface XArrayAlloc<T> {
    /** The 32-bit limit {@code xa_limit_32b}: [0, UINT_MAX]. */
    long LIMIT_32B = 0xFFFF_FFFFL;
    /** The 31-bit limit {@code xa_limit_31b}: [0, INT_MAX]. */
    long LIMIT_31B = Integer.MAX_VALUE;

    /**
     * Stores {@code entry} at the lowest free index in {@code [min, max]} ({@code xa_alloc}).
     *
     * @return the index
     * @throws accelmm.api.ErrnoException {@code EBUSY} when no index in the limit is free;
     *     {@code EINVAL} for a limit outside [0, UINT_MAX]; {@code ENOMEM}
     */
    long alloc(T entry, long min, long max);

    /**
     * Stores {@code entry} at the first free index at or after the cursor, wrapping to {@code min}
     * once ({@code xa_alloc_cyclic}).
     *
     * @return the index and whether the allocation wrapped (the kernel returns 1 then)
     * @throws accelmm.api.ErrnoException as {@link #alloc}
     */
    Allocated allocCyclic(T entry, long min, long max);

    /** Returns the entry at {@code index}, or {@code null} ({@code xa_load}). */
    T load(long index);

    /** Removes the entry at {@code index} and returns it ({@code xa_erase}). */
    T erase(long index);

    /** Returns the number of taken indices. */
    long count();

    /** Returns true if no index is taken. */
    boolean isEmpty();

    /** Removes every entry ({@code xa_destroy}). */
    void destroy();

    /**
     * The result of {@link #allocCyclic}.
     *
     * @param index the allocated index
     * @param wrapped true if the search wrapped around (or the cursor passed {@code UINT_MAX})
     */
    record Allocated(long index, boolean wrapped) {
    }
}
