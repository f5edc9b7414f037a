package accelmm.core.gmem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.gmem.GmAs;
import accelmm.api.gmem.GmCap;
import accelmm.api.gmem.GmCtx;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmMmuMode;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRegion;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.mm.AddressSpace;
import accelmm.api.notifier.IntervalNotifier;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;

/**
 * A GMEM address space: its contexts and its logical page table, kept in step with the CPU's
 * changes by an interval notifier over the whole range (unmapped regions are forgotten, device page
 * tables are cut on every invalidation — only write-protected when a fork makes pages copy-on-write
 * — and evictions done by others are recorded).
 *
 * <p>Concurrency: the table under this monitor, never held while calling into the address space;
 * attach and detach serialised by {@link #attachLock}.
 */
final class GmAsImpl implements GmAs {
    private final GmemImpl gmem;
    private final int id;
    private final AddressSpace mm;
    private final long begin;
    private final long end;
    final IntervalNotifier notifier;
    final List<GmCtxImpl> contexts = new CopyOnWriteArrayList<>();
    private final TreeMap<Long, GmMapping> table = new TreeMap<>();
    private final Object attachLock = new Object();
    private volatile boolean gone;
    /** The pid of the process whose address space this is, found on first need; 0 until then or for none. */
    private volatile int pid;

    GmAsImpl(GmemImpl gmem, int id, AddressSpace mm, long begin, long end) {
        this.gmem = gmem;
        this.id = id;
        this.mm = mm;
        this.begin = begin;
        this.end = end;
        this.notifier = mm.insertNotifier(begin, end - begin, this::invalidate);
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public AddressSpace mm() {
        return mm;
    }

    /** The pid of the process this address space belongs to, which pays for its moves; 0 if there is none. */
    int pid() {
        int p = pid;
        if (p == 0) {
            for (accelmm.api.mm.ProcessInfo info : gmem.memory.processes()) {
                try {
                    if (gmem.memory.process(info.pid()).mm() == mm) {
                        p = info.pid();
                        pid = p;
                        break;
                    }
                } catch (accelmm.api.ErrnoException e) {
                    // The process exited meanwhile.
                }
            }
        }
        return p;
    }

    @Override
    public long begin() {
        return begin;
    }

    @Override
    public long end() {
        return end;
    }

    @Override
    public GmCtx attach(GmDev dev, GmMmuMode mode, boolean activate) {
        if (mode == null) {
            throw Errno.EINVAL.exception("no MMU mode");
        }
        GmDevImpl d = gmem.devImpl(dev);
        if (mode != GmMmuMode.COHERENT_EXCLUSIVE && (d.caps & GmCap.COHERENT) == 0) {
            throw Errno.EOPNOTSUPP.exception(mode + " needs a coherent device; " + d.device() + " is not");
        }
        synchronized (attachLock) {
            if (gone) {
                throw Errno.ENODEV.exception("GMEM address space " + id + " was destroyed");
            }
            if (ctxOf(d) != null) {
                throw Errno.EEXIST.exception(d.device() + " is already attached to GMEM address space " + id);
            }
            Object pmap = mode == GmMmuMode.SHARE ? null : d.mmu.pmapCreate(d);
            GmCtxImpl ctx = new GmCtxImpl(this, d, mode, pmap);
            contexts.add(ctx);
            d.contexts.add(ctx);
            if (activate) {
                d.current(ctx);
            }
            return ctx;
        }
    }

    GmCtxImpl ctxOf(GmDevImpl d) {
        for (GmCtxImpl c : contexts) {
            if (c.dev == d) {
                return c;
            }
        }
        return null;
    }

    @Override
    public void detach(GmDev dev) {
        GmCtxImpl ctx = dev instanceof GmDevImpl d ? ctxOf(d) : null;
        if (ctx == null) {
            throw Errno.ENOENT.exception(dev + " is not attached to GMEM address space " + id);
        }
        detach(ctx);
    }

    /** Moves the context's regions home, then unlinks it and destroys its page table. */
    private void detach(GmCtxImpl ctx) {
        synchronized (attachLock) {
            if (!contexts.contains(ctx)) {
                return;
            }
            for (long start : regionsOn(ctx.dev)) {
                gmem.moves.toHost(mm, this, start, ctx.dev);
            }
            unlink(ctx);
        }
    }

    /** Detaches a context whatever happens: a device or address space is going away. */
    void detachQuietly(GmCtxImpl ctx) {
        try {
            detach(ctx);
        } catch (ErrnoException e) {
            synchronized (attachLock) {
                unlink(ctx);
            }
        }
    }

    private void unlink(GmCtxImpl ctx) {
        if (!contexts.remove(ctx)) {
            return;
        }
        ctx.dev.contexts.remove(ctx);
        ctx.dev.forgetCurrent(ctx);
        ctx.dev.forget(this, begin, end);
        synchronized (this) {
            table.values().forEach(m -> {
                if (m.dev == ctx.dev) {
                    m.onHost();
                }
            });
        }
        if (ctx.pmap != null) {
            ctx.lock.lock();
            try {
                ctx.release(begin, end);
                ctx.dev.mmu.pmapDestroy(ctx.dev, ctx.pmap);
            } finally {
                ctx.lock.unlock();
            }
        }
    }

    @Override
    public List<GmCtx> contexts() {
        return List.copyOf(contexts);
    }

    @Override
    public List<GmRegion> table(long start, long stop) {
        List<long[]> rows = new ArrayList<>();
        List<GmDevImpl> devs = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<Long, GmMapping> e : table.subMap(start & -GmPage.REGION, true, stop, false).entrySet()) {
                rows.add(new long[] {e.getKey(), e.getValue().flags()});
                devs.add(e.getValue().dev);
            }
        }
        List<GmRegion> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            long region = rows.get(i)[0];
            GmDevImpl d = devs.get(i);
            int[] count = new int[2];
            for (GmMoves.Piece p : GmMoves.pieces(mm, Math.max(region, begin), Math.min(region + GmPage.REGION, end))) {
                HmmRange r = new HmmRange(notifier, p.start(), p.end());
                r.devPrivateOwner = d == null ? null : d.device;
                HmmRetry.fault(mm, r);
                for (long e : r.pfns) {
                    if (HmmPfn.valid(e) && HmmPfn.pfn(e) != HmmPfn.ZERO_PAGE_PFN) {
                        count[HmmPfn.node(e) == 0 ? 1 : 0]++;
                    }
                }
            }
            out.add(new GmRegion(region, (int) rows.get(i)[1], d == null ? null : d.device(), count[0], count[1]));
        }
        return out;
    }

    @Override
    public void destroy() {
        synchronized (attachLock) {
            if (gone) {
                return;
            }
            gone = true;
        }
        for (GmCtxImpl c : List.copyOf(contexts)) {
            detachQuietly(c);
        }
        try {
            notifier.remove();
        } catch (ErrnoException e) {
            // the process exited and took its notifiers with it
        }
        gmem.forget(this);
    }

    // ---- the logical page table -----------------------------------------------------------------

    synchronized GmDevImpl holder(long region) {
        GmMapping m = table.get(region);
        return m == null || m.state != GmPage.DEVICE ? null : m.dev;
    }

    private GmMapping mapping(long region) {
        return table.computeIfAbsent(region, GmMapping::new);
    }

    /** What the memory policies know of {@code region}. */
    synchronized accelmm.api.policy.BlockState block(long region) {
        return mapping(region).policy;
    }

    synchronized void markTouched(long region) {
        mapping(region);
    }

    synchronized void markDevice(long region, GmDevImpl d) {
        mapping(region).onDevice(d);
    }

    synchronized void markHost(long region, GmDevImpl d) {
        GmMapping m = table.get(region);
        if (m != null && (m.dev == d || m.state == GmPage.NOMAP)) {
            m.onHost();
        }
    }

    synchronized void markWillneed(long region) {
        mapping(region).willneed = true;
    }

    synchronized void markHot(long region) {
        mapping(region).hot = true;
    }

    synchronized boolean evictable(long region, GmDevImpl d) {
        GmMapping m = table.get(region);
        return m != null && m.state == GmPage.DEVICE && m.dev == d && (m.flags() & GmPage.WILLNEED) == 0;
    }

    private synchronized List<Long> regionsOn(GmDevImpl d) {
        List<Long> out = new ArrayList<>();
        table.forEach((k, m) -> {
            if (m.state == GmPage.DEVICE && m.dev == d) {
                out.add(k);
            }
        });
        return out;
    }

    // ---- CPU changes --------------------------------------------------------------------------

    private boolean invalidate(IntervalNotifier sub, NotifierRange range, long seq) {
        long s = Math.max(range.start(), begin);
        long e = Math.min(range.end(), end);
        for (GmCtxImpl c : contexts) {
            if (range.blockable()) {
                c.lock.lock();
            } else if (!c.lock.tryLock()) {
                return false;
            }
            try {
                sub.setSeq(seq);
                c.dev.device.count("gmem.notifier.invalidate", 1);
                if (range.event() == NotifierEvent.PROTECTION_PAGE) {
                    c.writeProtect(s, e);
                } else {
                    c.release(s, e);
                }
            } finally {
                c.lock.unlock();
            }
        }
        sub.setSeq(seq);
        switch (range.event()) {
            case UNMAP, CLEAR -> forgetCovered(s, e);
            case MIGRATE -> {
                GmDevImpl by = gmem.devOf(range.owner());
                if (by != null && !gmem.moves.moving()) {
                    evictedBy(by, s, e);
                }
            }
            case RELEASE -> released();
            default -> {
            }
        }
        return true;
    }

    /** Forgets the regions that {@code [s, e)} covers whole: their memory is gone. */
    private void forgetCovered(long s, long e) {
        List<GmDevImpl> devs = new ArrayList<>();
        synchronized (this) {
            long first = (s + GmPage.REGION - 1) & -GmPage.REGION;
            for (long r = first; r + GmPage.REGION <= e; r += GmPage.REGION) {
                GmMapping m = table.remove(r);
                if (m != null && m.dev != null) {
                    devs.add(m.dev);
                }
            }
        }
        for (GmDevImpl d : devs) {
            d.forget(this, s, e);
        }
    }

    /** Someone else (an unplug's eviction) moved device pages of {@code by} to the host. */
    private synchronized void evictedBy(GmDevImpl by, long s, long e) {
        table.subMap(s & -GmPage.REGION, true, e, false).values().forEach(m -> {
            if (m.dev == by) {
                m.onHost();
            }
        });
    }

    /** The process exited: its memory is gone, and so are the contexts' page tables. */
    private void released() {
        gone = true;
        synchronized (this) {
            table.clear();
        }
        for (GmCtxImpl c : List.copyOf(contexts)) {
            unlink(c);
        }
        gmem.forget(this);
    }

    @Override
    public String toString() {
        return "gm_as " + id;
    }
}
