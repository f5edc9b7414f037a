package accelmm.core.gmem;

import accelmm.api.PageSize;
import accelmm.api.gmem.GmFaultHint;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRet;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.Prot;

/**
 * The device fault state machine ({@code gm_dev_fault}) per MMU mode, and the commit of what the CPU
 * page table then holds into the device page table through the notifier's retry protocol, so that
 * no device entry is ever made from a stale snapshot.
 *
 * <p>Concurrency: thread-safe; the commit holds the context's lock, which invalidations take.
 */
final class GmFaults {
    private final GmemImpl gmem;

    GmFaults(GmemImpl gmem) {
        this.gmem = gmem;
    }

    GmRet fault(GmCtxImpl ctx, long region, long addr, GmFaultHint hint, boolean write) {
        GmAsImpl as = ctx.as;
        as.markTouched(region);
        switch (ctx.mode) {
            case SHARE -> {
                as.mm().populate(addr & PageSize.PAGE_MASK, PageSize.PAGE_SIZE, write);
                return GmRet.SUCCESS;
            }
            case REPLICATE -> {
                commit(ctx, region);
                as.markHost(region, null);
                ctx.dev.touch(as, region);
                return GmRet.SUCCESS;
            }
            default -> {
                GmRet ret = GmRet.PAGE_EXIST;
                GmDevImpl holder = as.holder(region);
                if (holder != ctx.dev) {
                    if (holder != null) {
                        gmem.moves.toHost(as.mm(), as, region, holder);
                    }
                    ret = gmem.moves.toDevice(as, region, ctx.dev, hint);
                    if (ret == GmRet.MIGRATING) {
                        return ret;
                    }
                }
                if (hint == GmFaultHint.MARK_HOT) {
                    as.markHot(region);
                }
                ctx.dev.touch(as, region);
                commit(ctx, region);
                return ret;
            }
        }
    }

    /**
     * Maps what the CPU page table holds for a region (device pages of this device in place, host
     * pages otherwise) into the context's device page table.
     */
    private void commit(GmCtxImpl ctx, long region) {
        GmAsImpl as = ctx.as;
        AddressSpace mm = as.mm();
        for (long[] p : GmMoves.pieces(mm, Math.max(region, as.begin()), Math.min(region + GmPage.REGION, as.end()))) {
            if ((p[2] & Prot.READ) == 0) {
                continue;
            }
            HmmRange range = new HmmRange(as.notifier, p[0], p[1]);
            range.defaultFlags = HmmPfn.REQ_FAULT | ((p[2] & Prot.WRITE) != 0 ? HmmPfn.REQ_WRITE : 0);
            range.devPrivateOwner = ctx.dev.device;
            while (true) {
                HmmRetry.fault(mm, range);
                ctx.lock.lock();
                try {
                    if (as.notifier.readRetry(range.notifierSeq)) {
                        continue;
                    }
                    ctx.release(range.start, range.end);
                    enter(ctx, range);
                    break;
                } finally {
                    ctx.lock.unlock();
                }
            }
        }
    }

    /** Enters runs of physically contiguous pages with the same access. */
    private static void enter(GmCtxImpl ctx, HmmRange range) {
        int n = range.pages();
        int i = 0;
        while (i < n) {
            long e = range.pfns[i];
            if (!HmmPfn.valid(e) || HmmPfn.pfn(e) == HmmPfn.ZERO_PAGE_PFN) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < n && HmmPfn.valid(range.pfns[j]) && HmmPfn.node(range.pfns[j]) == HmmPfn.node(e)
                    && HmmPfn.pfn(range.pfns[j]) == HmmPfn.pfn(e) + (j - i)
                    && HmmPfn.writable(range.pfns[j]) == HmmPfn.writable(e)) {
                j++;
            }
            int prot = Prot.READ | (HmmPfn.writable(e) ? Prot.WRITE : 0);
            ctx.dev.mmu.pmapEnter(ctx.dev, ctx.pmap, range.start + ((long) i << PageSize.PAGE_SHIFT),
                    (long) (j - i) << PageSize.PAGE_SHIFT, PhysAddr.of(HmmPfn.node(e), HmmPfn.pfn(e), 0), prot);
            i = j;
        }
    }
}
