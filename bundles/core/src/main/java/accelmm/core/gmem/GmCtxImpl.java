package accelmm.core.gmem;

import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.gmem.GmAs;
import accelmm.api.gmem.GmCtx;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmMmuMode;

/**
 * A device attached to an address space.
 *
 * <p>Concurrency: {@link #lock} orders page-table commits against invalidations.
 */
final class GmCtxImpl implements GmCtx {
    final GmAsImpl as;
    final GmDevImpl dev;
    final GmMmuMode mode;
    final Object pmap;
    final ReentrantLock lock = new ReentrantLock();

    GmCtxImpl(GmAsImpl as, GmDevImpl dev, GmMmuMode mode, Object pmap) {
        this.as = as;
        this.dev = dev;
        this.mode = mode;
        this.pmap = pmap;
    }

    @Override
    public GmAs as() {
        return as;
    }

    @Override
    public GmDev dev() {
        return dev;
    }

    @Override
    public GmMmuMode mode() {
        return mode;
    }

    @Override
    public Object pmap() {
        return pmap;
    }

    /** Makes the device's entries for {@code [start, end)} read-only and flushes its TLB. */
    void writeProtect(long start, long end) {
        if (pmap != null) {
            dev.mmu.pmapProtect(dev, pmap, start, end - start, accelmm.api.mm.Prot.READ);
            dev.mmu.tlbInvl(dev, pmap, start, end - start);
        }
    }

    /** Drops the device's entries for {@code [start, end)} and flushes its TLB. */
    void release(long start, long end) {
        if (pmap != null) {
            dev.mmu.pmapRelease(dev, pmap, start, end - start);
            dev.mmu.tlbInvl(dev, pmap, start, end - start);
        }
    }
}
