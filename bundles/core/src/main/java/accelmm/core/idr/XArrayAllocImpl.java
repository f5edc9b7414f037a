package accelmm.core.idr;

import accelmm.api.Errno;
import accelmm.api.idr.XArrayAlloc;
import accelmm.core.fault.FailSite;

/**
 * {@link XArrayAlloc} over an {@link IdTree}; indices are stored as they are (no offset), and a
 * base of 1 only raises every lower limit to 1, as {@code DEFINE_XARRAY_ALLOC1} does.
 *
 * <p>Concurrency: writers synchronize on this object; {@link #load} is lock-free.
 *
 * @param <T> the stored type
 */
public final class XArrayAllocImpl<T> extends TreeBacked implements XArrayAlloc<T> {
    private final int base;
    /** The array's own cursor, for {@link #allocCyclic(Object, long, long)}. */
    private final Cursor cursor = new Cursor(0);
    /** {@code XA_FLAGS_ALLOC_WRAPPED}: a cyclic allocation passed UINT_MAX. */
    private boolean wrapped;

    /**
     * Creates an empty allocating XArray.
     *
     * @param base 0 or 1
     * @param failSite node-allocation fault site, or null
     * @throws accelmm.api.ErrnoException {@code EINVAL} for another base
     */
    public XArrayAllocImpl(int base, FailSite failSite) {
        super(new IdTree(failSite));
        if (base != 0 && base != 1) {
            throw Errno.EINVAL.exception("XArray alloc base must be 0 or 1, not " + base);
        }
        this.base = base;
    }

    @Override
    public synchronized long alloc(T entry, long min, long max) {
        checkLimit(min, max);
        return checked(tryAlloc(entry, min, max), min, max);
    }

    @Override
    public synchronized Allocated allocCyclic(T entry, long min, long max) {
        return allocCyclic(entry, min, max, cursor);
    }

    @Override
    public synchronized Allocated allocCyclic(T entry, long min, long max, Cursor next) {
        checkLimit(min, max);
        long from = Math.max(min, next.get());
        long index = tryAlloc(entry, from, max);
        boolean didWrap = false;
        if (index >= 0 && wrapped) {
            wrapped = false;
            didWrap = true;
        }
        // As __xa_alloc_cyclic: any failure from the cursor on is tried again from the limit's start.
        if (index < 0 && from > min) {
            index = tryAlloc(entry, min, max);
            didWrap = index >= 0;
        }
        checked(index, min, max);
        next.set((index + 1) & LIMIT_32B);
        if (next.get() == 0) {
            wrapped = true;
        }
        return new Allocated(index, didWrap);
    }

    private static void checkLimit(long min, long max) {
        if (min < 0 || min > LIMIT_32B || max < 0 || max > LIMIT_32B) {
            throw Errno.EINVAL.exception("limit [" + min + ", " + max + "] is not unsigned 32-bit");
        }
    }

    private long tryAlloc(T entry, long min, long max) {
        return tree.alloc(entry == null ? IdTree.RESERVED : entry, Math.max(min, base), max);
    }

    private static long checked(long index, long min, long max) {
        if (index == IdTree.NO_SPACE) {
            throw Errno.EBUSY.exception("no free index in [" + min + ", " + max + "]");
        }
        if (index == IdTree.NO_MEMORY) {
            throw Errno.ENOMEM.exception("XArray node allocation failed");
        }
        return index;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T load(long index) {
        if (index < 0 || index > LIMIT_32B) {
            return null;
        }
        Object o = tree.get(index);
        return o == IdTree.RESERVED ? null : (T) o;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized T erase(long index) {
        if (index < 0 || index > LIMIT_32B) {
            return null;
        }
        Object o = tree.remove(index);
        return o == IdTree.RESERVED ? null : (T) o;
    }

}
