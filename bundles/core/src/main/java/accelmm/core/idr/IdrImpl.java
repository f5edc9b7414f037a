package accelmm.core.idr;

import accelmm.api.Errno;
import accelmm.api.idr.Idr;
import accelmm.api.idr.IdrEntry;
import accelmm.api.idr.IdrVisitor;
import accelmm.api.idr.Preload;
import accelmm.core.diag.Warnings;
import accelmm.core.fault.FailSite;

/**
 * {@link Idr} over an {@link IdTree}: tree index = id - base.
 *
 * <p>Concurrency: writers synchronize on this object; lookups are lock-free (see {@link IdTree}).
 *
 * @param <T> the stored type
 */
public final class IdrImpl<T> extends TreeBacked implements Idr<T> {
    private final int base;
    private final Warnings warnings;
    private volatile long cursor;

    /**
     * Creates an empty IDR.
     *
     * @param base the lowest id handed out, at least 0
     * @param failSite node-allocation fault site, or null
     * @param warnings where caller bugs are counted
     */
    public IdrImpl(int base, FailSite failSite, Warnings warnings) {
        super(new IdTree(failSite));
        if (base < 0) {
            throw Errno.EINVAL.exception("IDR base " + base + " < 0");
        }
        this.base = base;
        this.warnings = warnings;
    }

    @Override
    public int base() {
        return base;
    }

    @Override
    public int alloc(T ptr, int start, int end) {
        if (start < 0) {
            throw Errno.EINVAL.exception("idr_alloc start " + start + " < 0");
        }
        long max = end > 0 ? end - 1L : MAX_INT_ID;
        synchronized (this) {
            return (int) checked(tryAlloc(ptr, start, max), start, max);
        }
    }

    @Override
    public long allocU32(T ptr, long nextId, long max) {
        if (nextId < 0 || nextId > MAX_U32_ID || max < 0 || max > MAX_U32_ID) {
            throw Errno.EINVAL.exception("idr_alloc_u32 range [" + nextId + ", " + max + "] is not unsigned 32-bit");
        }
        synchronized (this) {
            return checked(tryAlloc(ptr, nextId, max), nextId, max);
        }
    }

    @Override
    public int allocCyclic(T ptr, int start, int end) {
        if (start < 0) {
            throw Errno.EINVAL.exception("idr_alloc_cyclic start " + start + " < 0");
        }
        long max = end > 0 ? end - 1L : MAX_INT_ID;
        synchronized (this) {
            long from = (int) cursor < start ? start : cursor;
            long id = tryAlloc(ptr, from, max);
            if (id == IdTree.NO_SPACE && from > start) {
                id = tryAlloc(ptr, start, max);
            }
            checked(id, start, max);
            cursor = (id + 1) & MAX_U32_ID;
            return (int) id;
        }
    }

    /** Allocates without throwing: an id, {@link IdTree#NO_SPACE} or {@link IdTree#NO_MEMORY}. */
    private long tryAlloc(T ptr, long from, long max) {
        long lo = Math.max(from, base) - base;
        long hi = max - base;
        if (hi < 0 || lo > hi) {
            return IdTree.NO_SPACE;
        }
        long index = tree.alloc(ptr == null ? IdTree.RESERVED : ptr, lo, hi);
        return index < 0 ? index : index + base;
    }

    private static long checked(long id, long from, long max) {
        if (id == IdTree.NO_SPACE) {
            throw Errno.ENOSPC.exception("no free id in [" + from + ", " + max + "]");
        }
        if (id == IdTree.NO_MEMORY) {
            throw Errno.ENOMEM.exception("IDR node allocation failed");
        }
        return id;
    }

    private boolean inRange(long id) {
        return id >= base && id <= MAX_U32_ID;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T find(long id) {
        if (!inRange(id)) {
            return null;
        }
        Object o = tree.get(id - base);
        return o == IdTree.RESERVED ? null : (T) o;
    }

    @Override
    public boolean isAllocated(long id) {
        return inRange(id) && tree.get(id - base) != null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized T remove(long id) {
        if (!inRange(id)) {
            return null;
        }
        Object o = tree.remove(id - base);
        return o == IdTree.RESERVED ? null : (T) o;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized T replace(T ptr, long id) {
        Object old = inRange(id) ? tree.replace(id - base, ptr == null ? IdTree.RESERVED : ptr) : IdTree.ABSENT;
        if (old == IdTree.ABSENT) {
            throw Errno.ENOENT.exception("id " + id + " is not allocated");
        }
        return old == IdTree.RESERVED ? null : (T) old;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int forEach(IdrVisitor<? super T> visitor) {
        boolean[] beyond = new boolean[1];
        int r = tree.walk(base, false, (id, value) -> {
            if (id > MAX_INT_ID) {
                beyond[0] = true;
                return 1;
            }
            return visitor.visit(id, (T) value);
        });
        if (beyond[0]) {
            warnings.warn("idr_for_each met an id above INT_MAX");
            return 0;
        }
        return r;
    }

    @Override
    public IdrEntry<T> getNext(long id) {
        IdrEntry<T> e = getNextUl(id);
        if (e != null && e.id() > MAX_INT_ID) {
            warnings.warn("idr_get_next met id " + e.id() + " above INT_MAX");
            return null;
        }
        return e;
    }

    @Override
    @SuppressWarnings("unchecked")
    public IdrEntry<T> getNextUl(long id) {
        if (id > MAX_U32_ID) {
            return null;
        }
        long from = Math.max(id, base) - base;
        return (IdrEntry<T>) (IdrEntry<?>) tree.nextEntry(from, base);
    }

    @Override
    public long cursor() {
        return cursor;
    }

    @Override
    public synchronized void setCursor(long next) {
        cursor = next & MAX_U32_ID;
    }

    @Override
    public Preload preload() {
        return NodeReserve.open();
    }

    /** Returns the estimated bytes of the tree's nodes. Concurrency: approximate without the lock. */
    public long footprintBytes() {
        return tree.footprintBytes();
    }

    /** Checks the tree's invariants; null if they hold. */
    public synchronized String checkInvariants() {
        return tree.checkInvariants();
    }
}
