package accelmm.core.gmem;

import accelmm.api.PageSize;
import accelmm.api.gmem.GmCap;
import accelmm.api.gmem.GmFaultHint;
import accelmm.api.gmem.GmMmuMode;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRet;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.Prot;

/**
 * The device fault state machine ({@code gm_dev_fault}) per MMU mode (a region on another device
 * moves straight across when both can reach peer memory, else through host memory), and the commit of what the CPU
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
                ctx.dev.device.cost().fault(as.pid());
                GmRet ret = GmRet.PAGE_EXIST;
                GmDevImpl holder = as.holder(region);
                if (holder != ctx.dev) {
                    thrashing(ctx, as, region);
                    if (holder != null && (holder.caps & ctx.dev.caps & GmCap.PEER) != 0) {
                        if (gmem.moves.toPeer(as, region, holder, ctx.dev, hint) == GmRet.MIGRATING) {
                            return GmRet.MIGRATING;
                        }
                    } else if (holder != null) {
                        gmem.moves.toHost(as.mm(), as, region, holder);
                    }
                    if (gmem.moves.toDevice(as, region, ctx.dev, hint) == GmRet.MIGRATING) {
                        return GmRet.MIGRATING;
                    }
                    ret = GmRet.SUCCESS;
                }
                if (hint == GmFaultHint.MARK_HOT) {
                    as.markHot(region);
                }
                ctx.dev.touch(as, region);
                if (!commit(ctx, region)) {
                    gmem.moves.toHost(as.mm(), as, region, ctx.dev);
                    if (gmem.moves.toDevice(as, region, ctx.dev, hint) == GmRet.MIGRATING) {
                        return GmRet.MIGRATING;
                    }
                    ret = GmRet.SUCCESS;
                    commit(ctx, region);
                }
                return ret;
            }
        }
    }

    /**
     * Maps what the CPU page table holds for a region into the context's device page table: in
     * COHERENT_EXCLUSIVE mode only the device's own pages (its entries are exclusive: it never
     * touches host memory the CPU may be using), in REPLICATE mode the host pages.
     *
     * @return false if, in COHERENT_EXCLUSIVE mode, some page is not on the device (one that came
     *     back while the region was being committed) or is read-only in writable memory (a device page
     *     a fork shares with a child)
     */
    private boolean commit(GmCtxImpl ctx, long region) {
        boolean complete = true;
        GmAsImpl as = ctx.as;
        AddressSpace mm = as.mm();
        for (GmMoves.Piece p : GmMoves.pieces(mm, Math.max(region, as.begin()), Math.min(region + GmPage.REGION, as.end()))) {
            if ((p.prot() & Prot.READ) == 0) {
                continue;
            }
            HmmRange range = new HmmRange(as.notifier, p.start(), p.end());
            range.defaultFlags = HmmPfn.REQ_FAULT | ((p.prot() & Prot.WRITE) != 0 ? HmmPfn.REQ_WRITE : 0);
            range.devPrivateOwner = ctx.dev.device;
            while (true) {
                HmmRetry.fault(mm, range);
                ctx.lock.lock();
                try {
                    if (as.notifier.readRetry(range.notifierSeq)) {
                        continue;
                    }
                    ctx.release(range.start, range.end);
                    complete &= enter(ctx, range);
                    break;
                } finally {
                    ctx.lock.unlock();
                }
            }
        }
        return complete;
    }

    /**
     * Enters runs of physically contiguous pages with the same access.
     *
     * @return false if a page was left out because an exclusive context may not map it
     */
    private static boolean enter(GmCtxImpl ctx, HmmRange range) {
        boolean exclusive = ctx.mode == GmMmuMode.COHERENT_EXCLUSIVE;
        int own = ctx.dev.device.memory().id();
        boolean wantWrite = (range.defaultFlags & HmmPfn.REQ_WRITE) != 0;
        boolean complete = true;
        int n = range.pages();
        int i = 0;
        while (i < n) {
            long e = range.pfns[i];
            if (exclusive && HmmPfn.valid(e) && (HmmPfn.node(e) != own || wantWrite && !HmmPfn.writable(e))) {
                complete = false;
            }
            if (!HmmPfn.valid(e) || HmmPfn.pfn(e) == HmmPfn.ZERO_PAGE_PFN || exclusive && HmmPfn.node(e) != own) {
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
        return complete;
    }

    /**
     * Asks the device's thrashing policy about a region about to move onto it. GMEM has no remote
     * mapping, so the region moves whatever the answer: a throttle, a pin or a remote map is served
     * as a nap of the faulting process (counted as a throttle).
     */
    private static void thrashing(GmCtxImpl ctx, GmAsImpl as, long region) {
        accelmm.api.device.DeviceContext dev = ctx.dev.device;
        accelmm.api.policy.PolicySet policies = dev.policies().current();
        if (policies.isDefault(accelmm.api.policy.PolicyKind.THRASHING)) {
            return;
        }
        accelmm.api.policy.BlockState b = as.block(region);
        long now = dev.cost().nowNanos();
        accelmm.api.policy.ThrashAction a;
        dev.lock().lock();
        try {
            a = policies.moved(b, now);
            b.pinnedUntilNanos(0);
        } finally {
            dev.lock().unlock();
        }
        if (a != accelmm.api.policy.ThrashAction.NONE) {
            dev.count("policy.thrashing", 1);
            dev.count("policy.throttle", 1);
            dev.cost().charge(as.pid(), accelmm.api.cost.CostCategory.THROTTLE, policies.napNanos());
        }
    }
}
