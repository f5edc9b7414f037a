package accelmm.api.idr;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An ID-to-object map with the semantics of the kernel's {@code lib/idr.c}.
 *
 * <p>Ids are unsigned 32-bit numbers held in a {@code long}; ids never fall below {@link #base()}.
 * An id can be allocated with a {@code null} object: it is then taken (it blocks reuse and makes
 * {@link #isEmpty()} false) but is invisible to {@link #find}, {@link #forEach} and
 * {@link #getNext}. Allocation always takes the lowest free id in the range, so a freed id is handed
 * out again at once; callers that cache ids must drop them on remove.
 *
 * <p>To publish an object that takes time to build, reserve its id with {@code null}, build the
 * object, then publish it with {@link #replace}: no reader can see a half-built object.
 *
 * <p>Concurrency: lookups ({@link #find}, {@link #getNext}, {@link #forEach}) take no lock and may
 * run at any time alongside writers; an iteration may miss entries added while it runs and may see
 * entries removed while it runs, but never skips an entry that stays present throughout. Writers
 * are serialized inside the IDR.
 *
 * @param <T> the type of the stored objects; keep it an api type or plain data so that the IDR can
 *     outlive the bundle that fills it
 */
@ProviderType
public interface Idr<T> {
    /** The largest id that {@link #alloc} and {@link #allocCyclic} hand out: {@code INT_MAX}. */
    int MAX_INT_ID = Integer.MAX_VALUE;
    /** The largest id that {@link #allocU32} hands out: {@code UINT_MAX}. */
    long MAX_U32_ID = 0xFFFF_FFFFL;

    /** Returns the lowest id this IDR ever hands out (the kernel's {@code idr_base}). */
    int base();

    /**
     * Allocates the lowest free id in {@code [start, end)} for {@code ptr} ({@code idr_alloc}).
     *
     * @param ptr the object, or {@code null} to reserve the id
     * @param start the lowest acceptable id; below {@link #base()} it acts as the base
     * @param end one past the highest acceptable id; {@code end <= 0} means up to
     *     {@link #MAX_INT_ID} inclusive
     * @return the new id
     * @throws accelmm.api.ErrnoException {@code EINVAL} if {@code start < 0}; {@code ENOSPC} if no id
     *     in the range is free; {@code ENOMEM} if the node allocation failed (fault injection)
     */
    int alloc(T ptr, int start, int end);

    /**
     * Allocates the lowest free id in {@code [nextId, max]} ({@code idr_alloc_u32}); ids up to
     * {@link #MAX_U32_ID} are possible.
     *
     * @param ptr the object, or {@code null} to reserve the id
     * @param nextId the lowest acceptable id, as an unsigned 32-bit value
     * @param max the highest acceptable id, inclusive
     * @return the new id
     * @throws accelmm.api.ErrnoException {@code EINVAL} if {@code nextId} or {@code max} is not an
     *     unsigned 32-bit value; {@code ENOSPC} if the range is full or empty; {@code ENOMEM}
     */
    long allocU32(T ptr, long nextId, long max);

    /**
     * Allocates an id at or after the cursor, wrapping once to {@code start} ({@code idr_alloc_cyclic}).
     * On success the cursor moves to the new id plus one.
     *
     * @param ptr the object, or {@code null} to reserve the id
     * @param start the lowest acceptable id
     * @param end one past the highest acceptable id; {@code end <= 0} means up to {@link #MAX_INT_ID}
     * @return the new id
     * @throws accelmm.api.ErrnoException {@code EINVAL} if {@code start < 0}; {@code ENOSPC};
     *     {@code ENOMEM}
     */
    int allocCyclic(T ptr, int start, int end);

    /**
     * Returns the object stored under {@code id} ({@code idr_find}), or {@code null} if the id is not
     * allocated, was allocated with {@code null}, or is out of range (negative, above
     * {@link #MAX_U32_ID}, or below {@link #base()}) — a wide id is never truncated into another one.
     *
     * <p>Concurrency: lock-free; safe against concurrent writers.
     */
    T find(long id);

    /**
     * Returns true if {@code id} is taken, also when it holds {@code null}.
     *
     * <p>Concurrency: lock-free.
     */
    boolean isAllocated(long id);

    /**
     * Frees {@code id} ({@code idr_remove}).
     *
     * @return the object it held; {@code null} if it held {@code null} or was not allocated (which
     *     is not an error)
     */
    T remove(long id);

    /**
     * Replaces the object of an allocated id ({@code idr_replace}); an id allocated with {@code null}
     * counts as allocated. This is how a reserved id is published.
     *
     * @return the previous object, possibly {@code null}
     * @throws accelmm.api.ErrnoException {@code ENOENT} if {@code id} is not allocated
     */
    T replace(T ptr, long id);

    /**
     * Visits the non-null entries with ids up to {@link #MAX_INT_ID} in ascending order
     * ({@code idr_for_each}); an entry above {@code INT_MAX} ends the walk with a warning.
     *
     * @return 0 when all were visited, or the first non-zero value the visitor returned (the walk
     *     stops there)
     */
    int forEach(IdrVisitor<? super T> visitor);

    /**
     * Returns the first non-null entry whose id is at least {@code id} and at most
     * {@link #MAX_INT_ID} ({@code idr_get_next}); continue with {@code entry.id() + 1}.
     *
     * @return the entry, or {@code null} when there is none
     */
    IdrEntry<T> getNext(long id);

    /**
     * Like {@link #getNext} but over the whole unsigned 32-bit range ({@code idr_get_next_ul}).
     */
    IdrEntry<T> getNextUl(long id);

    /** Returns the cyclic allocation cursor ({@code idr_get_cursor}). */
    long cursor();

    /** Sets the cyclic allocation cursor ({@code idr_set_cursor}). */
    void setCursor(long next);

    /**
     * Preloads this thread with the memory the next allocation needs ({@code idr_preload}): until
     * the returned scope is closed, allocations on this thread cannot fail with {@code ENOMEM},
     * whatever fault injection says.
     *
     * <p>Concurrency: the scope belongs to the calling thread; close it on the same thread.
     */
    Preload preload();

    /** Returns true if no id is allocated (an id holding {@code null} counts as allocated). */
    boolean isEmpty();

    /** Returns the number of allocated ids, those holding {@code null} included. */
    long count();

    /**
     * Frees every id and the memory behind them ({@code idr_destroy}); the objects themselves are
     * untouched. The IDR stays usable; calling this twice is harmless.
     */
    void destroy();
}
