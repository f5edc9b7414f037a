package accelmm.core.idr;

import accelmm.api.Errno;
import accelmm.api.idr.Ida;
import accelmm.core.diag.Warnings;
import accelmm.core.fault.FailSite;

/**
 * {@link Ida} over an {@link IdTree} whose slots hold {@link IdTree#RESERVED}.
 *
 * <p>Concurrency: writers synchronize on this object; {@link #isAllocated} is lock-free.
 */
public final class IdaImpl extends TreeBacked implements Ida {
    private final Warnings warnings;

    /**
     * Creates an empty IDA.
     *
     * @param failSite node-allocation fault site, or null
     * @param warnings where caller bugs are counted
     */
    public IdaImpl(FailSite failSite, Warnings warnings) {
        super(new IdTree(failSite));
        this.warnings = warnings;
    }

    /**
     * {@inheritDoc}
     *
     * <p>As in the kernel, a negative {@code max} stands for an unsigned value above
     * {@code INT_MAX} and is clamped to {@code INT_MAX}.
     */
    @Override
    public synchronized int allocRange(int min, int max) {
        if (min < 0) {
            throw Errno.ENOSPC.exception("ida_alloc_range min " + min + " < 0");
        }
        int hi = max < 0 ? Integer.MAX_VALUE : max;
        long id = tree.alloc(IdTree.RESERVED, min, hi);
        if (id == IdTree.NO_SPACE) {
            throw Errno.ENOSPC.exception("no free id in [" + min + ", " + hi + "]");
        }
        if (id == IdTree.NO_MEMORY) {
            throw Errno.ENOMEM.exception("IDA node allocation failed");
        }
        return (int) id;
    }

    @Override
    public synchronized boolean free(int id) {
        if (id < 0 || tree.remove(id) == null) {
            warnings.warn("ida_free called for id=" + id + " which is not allocated");
            return false;
        }
        return true;
    }

    @Override
    public boolean isAllocated(int id) {
        return id >= 0 && tree.get(id) != null;
    }

}
