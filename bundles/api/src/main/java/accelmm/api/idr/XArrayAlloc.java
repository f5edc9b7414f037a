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

    /**
     * {@link #allocCyclic(Object, long, long)} with a caller-owned cursor, as the kernel's
     * {@code xa_alloc_cyclic(xa, &id, entry, limit, &next, gfp)}: the search starts at
     * {@code next}, and on success {@code next} becomes the index after the one allocated
     * (0 after {@code UINT_MAX}, and the array remembers that it wrapped). One cursor may serve
     * several arrays, or be set by its owner between calls; the array's own cursor is left alone.
     *
     * <p>Concurrency: the cursor is read and written under this array's lock; a cursor shared by
     * several arrays needs its owner's lock around the calls.
     *
     * @return the index and whether the allocation wrapped
     * @throws accelmm.api.ErrnoException as {@link #alloc}; the cursor is unchanged then
     */
    Allocated allocCyclic(T entry, long min, long max, Cursor next);

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

    /**
     * A cyclic allocation cursor owned by the caller ({@code u32 *next}).
     *
     * <p>Concurrency: not thread-safe by itself; see {@link #allocCyclic(Object, long, long, Cursor)}.
     */
    final class Cursor {
        private long next;

        /**
         * Creates a cursor at {@code next}.
         *
         * @throws accelmm.api.ErrnoException {@code EINVAL} outside [0, UINT_MAX]
         */
        public Cursor(long next) {
            set(next);
        }

        /** Returns where the next search starts. */
        public long get() {
            return next;
        }

        /**
         * Sets where the next search starts.
         *
         * @throws accelmm.api.ErrnoException {@code EINVAL} outside [0, UINT_MAX]
         */
        public void set(long next) {
            if (next < 0 || next > LIMIT_32B) {
                throw accelmm.api.Errno.EINVAL.exception("cursor " + next + " is not unsigned 32-bit");
            }
            this.next = next;
        }
    }
}
