package accelmm.core.gmem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.gmem.GmAs;
import accelmm.api.gmem.GmCtx;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmHnode;
import accelmm.api.gmem.GmMmu;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.Gmem;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.policy.BlockState;
import accelmm.api.policy.ListCandidates;
import accelmm.api.policy.PolicyKind;
import accelmm.api.policy.PolicySet;

/**
 * A GMEM device: its hnodes with their free-page counts, its contexts and the recency of its regions.
 * Pages of an hnode are frames of the device's memory node taken through {@link #allocPage}; a frame
 * returns to its hnode when the core frees it ({@link #pageFreed}).
 *
 * <p>Concurrency: hnode bookkeeping under this monitor; recency under {@link #lru}'s.
 */
final class GmDevImpl implements GmDev {
    final GmemImpl gmem;
    final int id;
    final int caps;
    final DeviceContext device;
    final GmMmu mmu;
    final List<GmCtxImpl> contexts = new CopyOnWriteArrayList<>();
    private final List<GmHnodeImpl> hnodes = new ArrayList<>();
    /** Per frame of the node: 1 + the index in {@link #hnodes} of the hnode it was taken from, or 0. */
    private final byte[] takenFrom;
    /** Regions on this device, least recently used first, with what the memory policies know of each (the region's own record). */
    private final LinkedHashMap<Region, BlockState> lru = new LinkedHashMap<>(16, 0.75f, true);
    private volatile GmCtxImpl current;
    private volatile boolean alive = true;

    /** A region of an address space. */
    record Region(GmAsImpl as, long start) {
    }

    GmDevImpl(GmemImpl gmem, int id, int caps, DeviceContext device, GmMmu mmu) {
        this.gmem = gmem;
        this.id = id;
        this.caps = caps;
        this.device = device;
        this.mmu = mmu;
        this.takenFrom = new byte[device.memory() == null ? 0 : (int) (device.memory().info().size() >>> PageSize.PAGE_SHIFT)];
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int caps() {
        return caps;
    }

    @Override
    public String device() {
        return device.name();
    }

    @Override
    public boolean alive() {
        return alive;
    }

    @Override
    public synchronized GmHnode registerPhysmem(long begin, long end) {
        if (!alive) {
            throw Errno.ENODEV.exception("GMEM device " + id + " was destroyed");
        }
        long b = (begin + PageSize.PAGE_SIZE - 1) & PageSize.PAGE_MASK;
        long e = end & PageSize.PAGE_MASK;
        long size = takenFrom.length * PageSize.PAGE_SIZE;
        if (begin < 0 || e <= b || e > size) {
            throw Errno.EINVAL.exception(String.format("physmem [0x%x, 0x%x) is empty or outside %s (%d bytes)", begin, end,
                    device.name(), size));
        }
        for (GmHnodeImpl h : hnodes) {
            if (h != null && h.overlaps(b, e)) {
                throw Errno.EEXIST.exception(String.format("physmem [0x%x, 0x%x) overlaps hnode %d", b, e, h.nid()));
            }
        }
        int slot = hnodes.indexOf(null);
        if (slot < 0 && hnodes.size() >= Gmem.MAX_NUMNODES) {
            throw Errno.ENOSPC.exception(device.name() + " has " + Gmem.MAX_NUMNODES + " hnodes");
        }
        GmHnodeImpl h = new GmHnodeImpl(gmem.allocNid(), b, e);
        if (slot < 0) {
            hnodes.add(h);
        } else {
            hnodes.set(slot, h);
        }
        return h;
    }

    @Override
    public synchronized void unregisterPhysmem(int nid) {
        int slot = slotOf(nid);
        GmHnodeImpl h = hnodes.get(slot);
        if (h.freePages() != h.pages()) {
            throw Errno.EBUSY.exception("hnode " + nid + " holds " + (h.pages() - h.freePages()) + " pages");
        }
        hnodes.set(slot, null);
        gmem.freeNid(nid);
    }

    private int slotOf(int nid) {
        for (int i = 0; i < hnodes.size(); i++) {
            if (hnodes.get(i) != null && hnodes.get(i).nid() == nid) {
                return i;
            }
        }
        throw Errno.EINVAL.exception("no hnode " + nid + " on GMEM device " + id);
    }

    @Override
    public synchronized List<GmHnode> hnodes() {
        List<GmHnode> out = new ArrayList<>();
        for (GmHnodeImpl h : hnodes) {
            if (h != null) {
                out.add(h);
            }
        }
        return out;
    }

    @Override
    public synchronized long allocPage() {
        for (int i = 0; i < hnodes.size(); i++) {
            GmHnodeImpl h = hnodes.get(i);
            if (h != null && h.freePages() > 0) {
                long entry = device.memoryManager().allocDevicePage(device.memory());
                h.take();
                takenFrom[(int) MigratePfn.pfn(entry)] = (byte) (i + 1);
                return entry;
            }
        }
        throw Errno.ENOMEM.exception("the registered memory of " + device.name() + " is full");
    }

    /** The core freed a frame of the node: give it back to its hnode. */
    synchronized void pageFreed(long pfn) {
        if (pfn < 0 || pfn >= takenFrom.length || takenFrom[(int) pfn] == 0) {
            return;
        }
        int slot = takenFrom[(int) pfn] - 1;
        takenFrom[(int) pfn] = 0;
        GmHnodeImpl h = slot < hnodes.size() ? hnodes.get(slot) : null;
        if (h != null) {
            h.give();
        }
    }

    @Override
    public synchronized long freePages() {
        long n = 0;
        for (GmHnodeImpl h : hnodes) {
            n += h == null ? 0 : h.freePages();
        }
        return n;
    }

    @Override
    public List<GmCtx> contexts() {
        return List.copyOf(contexts);
    }

    @Override
    public GmCtx currentCtx() {
        return current;
    }

    void current(GmCtxImpl ctx) {
        current = ctx;
    }

    void forgetCurrent(GmCtxImpl ctx) {
        if (current == ctx) {
            current = null;
        }
    }

    @Override
    public void touch(GmAs as, long va) {
        if (as instanceof GmAsImpl a) {
            Region r = new Region(a, va & -GmPage.REGION);
            BlockState b = a.block(r.start());
            synchronized (lru) {
                lru.put(r, b);
                b.used();
            }
        }
    }

    /** Forgets the recency of the regions of {@code as} in {@code [start, end)}. */
    void forget(GmAsImpl as, long start, long end) {
        synchronized (lru) {
            lru.keySet().removeIf(r -> r.as == as && r.start >= start && r.start < end);
        }
    }

    /** CPU touches that took a region of this device home. */
    private final java.util.concurrent.atomic.LongAdder hostFaults = new java.util.concurrent.atomic.LongAdder();

    @Override
    public long hostFaults() {
        return hostFaults.sum();
    }

    /** Counts a CPU touch that takes a region home. */
    void hostFaulted() {
        hostFaults.increment();
        device.count("gmem.host_fault", 1);
    }

    /**
     * Evicts the region the device's eviction policy chooses among those on this device that may
     * go (not WILLNEED or hot), offered least recently used first; the default takes that one.
     */
    @Override
    public boolean evictLru() {
        List<Region> order;
        List<BlockState> blocks;
        synchronized (lru) {
            order = new ArrayList<>(lru.keySet());
            blocks = new ArrayList<>(lru.values());
        }
        PolicySet policies = device.policies().current();
        List<Region> candidates = new ArrayList<>();
        for (Region r : order) {
            if (r.as.evictable(r.start, this)) {
                if (policies.isDefault(PolicyKind.EVICTION) && evict(r)) {
                    return true;
                }
                candidates.add(r);
            }
        }
        if (policies.isDefault(PolicyKind.EVICTION)) {
            return false;
        }
        while (!candidates.isEmpty()) {
            Region victim;
            device.lock().lock();
            try {
                victim = ListCandidates.choose(policies, candidates, r -> blocks.get(order.indexOf(r)), victims.sum());
            } finally {
                device.lock().unlock();
            }
            if (evict(victim)) {
                return true;
            }
            candidates.remove(victim);
        }
        return false;
    }

    private final java.util.concurrent.atomic.LongAdder victims = new java.util.concurrent.atomic.LongAdder();

    /** Takes a region home; true if a page moved. */
    private boolean evict(Region r) {
        int moved = gmem.moves.toHost(r.as.mm(), r.as, r.start, this, accelmm.api.cost.CostCategory.EVICTION);
        synchronized (lru) {
            lru.remove(r);
        }
        if (moved > 0) {
            victims.increment();
            device.count("gmem.evict", 1);
            device.count("policy.victims", 1);
            return true;
        }
        return false;
    }

    @Override
    public void destroy() {
        synchronized (this) {
            if (!alive) {
                return;
            }
            alive = false;
        }
        for (GmCtxImpl c : List.copyOf(contexts)) {
            c.as.detachQuietly(c);
        }
        synchronized (this) {
            for (GmHnodeImpl h : hnodes) {
                if (h != null) {
                    gmem.freeNid(h.nid());
                }
            }
            hnodes.clear();
        }
        gmem.forget(this);
    }

    @Override
    public String toString() {
        return "gm_dev " + id + " (" + device.name() + ")";
    }

    /** Returns how many frames the hnodes have handed out and not got back. */
    synchronized long taken() {
        long n = 0;
        for (byte b : takenFrom) {
            n += b != 0 ? 1 : 0;
        }
        return n;
    }
}
