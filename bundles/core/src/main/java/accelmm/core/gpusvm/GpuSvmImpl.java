package accelmm.core.gpusvm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.cost.CostCategory;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.gpusvm.GpuSvm;
import accelmm.api.gpusvm.GpuSvmPolicy;
import accelmm.api.gpusvm.GpuSvmRange;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.Prot;
import accelmm.api.mm.VmaInfo;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;
import accelmm.api.policy.PolicyKind;
import accelmm.api.policy.PolicySet;
import accelmm.api.policy.ThrashAction;

/**
 * One GPU SVM: ranges by start, the notifier of each window, the ranges the garbage collector will
 * remove, and the fault protocol over them (see {@link GpuSvm#fault}).
 *
 * <p>Concurrency: the tables are guarded by the device lock. The fault protocol holds it only to
 * read and change ranges and the page table, never across a VMA lookup, a notifier insertion or
 * removal, a page fault, a migration or an eviction (those take the address space's locks, which
 * invalidations hold when they take the device lock).
 */
final class GpuSvmImpl implements GpuSvm {
    static final long PAGE = PageSize.PAGE_SIZE;
    private final int id;
    private final GpuSvmsImpl owner;
    private final DeviceContext dev;
    private final DeviceFile file;
    private final AddressSpace mm;
    private final IoPgtable pgtable;
    private final long notifierSize;
    private final long[] chunks;
    private final String prefix;
    private final int pid;
    /** The pages of the last faults (address / 4 KiB), newest first, for prefetch policies. */
    final long[] history = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
    private final TreeMap<Long, RangeImpl> ranges = new TreeMap<>();
    private final Map<Long, DeviceNotifier> notifiers = new HashMap<>();
    private final List<RangeImpl> gc = new ArrayList<>();
    /**
     * The range an invalidation last reached, or null: an eviction invalidates a range page by page,
     * and this spares each page the search. Kept true by {@link #put} and {@link #remove}.
     */
    private RangeImpl hint;
    private boolean destroyed;

    GpuSvmImpl(int id, GpuSvmsImpl owner, DeviceFile file, IoPgtable pgtable, long notifierSize, long[] chunks, String prefix) {
        this.id = id;
        this.owner = owner;
        this.dev = owner.dev;
        this.file = file;
        this.mm = file.process().mm();
        this.pgtable = pgtable;
        this.notifierSize = notifierSize;
        this.chunks = chunks.clone();
        this.prefix = prefix + ".";
        this.pid = file.process().pid();
    }

    int pid() {
        return pid;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public DeviceFile file() {
        return file;
    }

    @Override
    public IoPgtable pgtable() {
        return pgtable;
    }

    private ReentrantLock lock() {
        return dev.lock();
    }

    void count(String name, long delta) {
        dev.count(prefix + name, delta);
    }

    @Override
    public GpuSvmRange rangeAt(long addr) {
        return at(addr);
    }

    private RangeImpl at(long addr) {
        Map.Entry<Long, RangeImpl> e = ranges.floorEntry(addr);
        return e != null && addr < e.getValue().end ? e.getValue() : null;
    }

    @Override
    public boolean overlaps(long start, long end) {
        Map.Entry<Long, RangeImpl> below = ranges.lowerEntry(end);
        return below != null && below.getValue().end > start;
    }

    @Override
    public void touch(GpuSvmRange range) {
        if (range instanceof RangeImpl r && r.svm == this && !r.removed) {
            owner.lru.touch(r);
        }
    }

    @Override
    public void touchPage(GpuSvmRange range, long page) {
        if (range instanceof RangeImpl r && r.prefetched != null && r.svm == this && r.holds(page) && r.used(page)) {
            dev.count("policy.prefetch_used", 1);
        }
    }

    private void put(RangeImpl r) {
        if (hint != null && hint.start == r.start) {
            hint = null;
        }
        RangeImpl old = ranges.put(r.start, r);
        if (old != null && old != r) {
            old.removed = true;
        }
    }

    private RangeImpl remove(long start) {
        if (hint != null && hint.start == start) {
            hint = null;
        }
        RangeImpl r = ranges.remove(start);
        if (r != null) {
            r.removed = true;
        }
        return r;
    }

    private long window(long addr) {
        return addr & ~(notifierSize - 1);
    }

    // ---- the fault protocol -------------------------------------------------------------------

    @Override
    public Errno fault(long addr, boolean write, long vaStart, long vaEnd, boolean userptr, GpuSvmPolicy policy) {
        dev.cost().fault(pid);
        PolicySet policies = dev.policies().current();
        boolean prefetching = !policies.isDefault(PolicyKind.PREFETCH);
        while (true) {
            VmaInfo vma = mm.vmaLookup(addr);
            long win = window(addr);
            ensureNotifier(win);
            List<DeviceNotifier> drop = new ArrayList<>();
            List<long[]> evict = new ArrayList<>();
            RangeImpl r;
            List<RangeImpl> moving;
            lock().lock();
            try {
                collectGarbage(drop, evict);
                if (vma == null) {
                    return Errno.ENOENT;
                }
                if (write && (vma.prot() & Prot.WRITE) == 0) {
                    return Errno.EPERM;
                }
                if (prefetching) {
                    moving = SvmPrefetch.ranges(this, addr, vma, vaStart, vaEnd, userptr, policies);
                    r = moving == null ? null : moving.isEmpty() ? NO_CHUNK : moving.get(0);
                    if (moving == null) {
                        moving = List.of();
                    }
                } else {
                    r = findOrInsert(addr, vma, vaStart, vaEnd, userptr);
                    moving = r == null || r == NO_CHUNK ? List.of() : List.of(r);
                }
                for (RangeImpl m : moving) {
                    m.busy = true;
                }
            } finally {
                lock().unlock();
                drop.forEach(DeviceNotifier::remove);
                evict.forEach(pfns -> evictPages(pfns, pid));
            }
            if (r == null) {
                continue;
            }
            if (r == NO_CHUNK) {
                return Errno.EINVAL;
            }
            try {
                int step = serve(addr, win, moving, policy, policies);
                if (step == RETRY) {
                    continue;
                }
                return step == BOUND ? null : Errno.EFAULT;
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EBUSY || e.errno() == Errno.EFAULT || e.errno() == Errno.EPERM) {
                    return e.errno();
                }
                throw e;
            } finally {
                lock().lock();
                try {
                    for (RangeImpl m : moving) {
                        m.busy = false;
                    }
                } finally {
                    lock().unlock();
                }
            }
        }
    }

    private static final int BOUND = 0;
    private static final int RETRY = 1;
    private static final int NOT_AT_ADDR = 2;

    /**
     * Places and binds the ranges of one fault: the faulting one first in {@code moving}, then
     * those a prefetch named (best effort: one that fails is left to fault on its own).
     */
    private int serve(long addr, long win, List<RangeImpl> moving, GpuSvmPolicy policy, PolicySet policies) {
        for (RangeImpl m : moving) {
            place(m, policy, policies);
        }
        DeviceNotifier n;
        lock().lock();
        try {
            n = notifiers.get(win);
        } finally {
            lock().unlock();
        }
        if (n == null) {
            return RETRY;
        }
        for (int i = 1; i < moving.size(); i++) {
            try {
                populate(moving.get(i), n, -1);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EBUSY && e.errno() != Errno.EFAULT && e.errno() != Errno.EPERM) {
                    throw e;
                }
            }
        }
        return populate(moving.get(0), n, addr);
    }

    /**
     * Migrates a range to device memory when the driver prefers it there and the thrashing policy
     * lets it move; a pinned or remotely mapped range stays in system memory.
     */
    private void place(RangeImpl m, GpuSvmPolicy policy, PolicySet policies) {
        if (m.userptr || m.devmem || !anonymous(m.start) || !policy.wantDevmem(m.start, m.end)) {
            return;
        }
        if (!policies.isDefault(PolicyKind.THRASHING) || m.policy.pinnedUntilNanos() != 0) {
            ThrashAction a;
            long now = dev.cost().nowNanos();
            lock().lock();
            try {
                if (m.policy.pinnedUntilNanos() > now) {
                    a = ThrashAction.MAP_REMOTE;
                } else {
                    m.policy.pinnedUntilNanos(0);
                    a = policies.moved(m.policy, now);
                }
            } finally {
                lock().unlock();
            }
            if (a == ThrashAction.THROTTLE || a == ThrashAction.PIN) {
                dev.count("policy.thrashing", 1);
            }
            switch (a) {
                case THROTTLE -> {
                    dev.count("policy.throttle", 1);
                    dev.cost().charge(pid, CostCategory.THROTTLE, policies.napNanos());
                }
                case PIN -> {
                    dev.count("policy.pin", 1);
                    return;
                }
                case MAP_REMOTE -> {
                    dev.count("policy.map_remote", 1);
                    return;
                }
                default -> {
                }
            }
        }
        SvmMigration.toDevmem(this, m, policy);
    }

    /**
     * Gets a range's pages through the notifier retry protocol and binds them; a mix of device and
     * system pages is evicted first. With {@code addr} at least 0, says whether the page there is
     * bound.
     */
    private int populate(RangeImpl r, DeviceNotifier n, long addr) {
        HmmRange range = new HmmRange(n, r.start, r.end);
        range.defaultFlags = HmmPfn.REQ_FAULT | (r.writable ? HmmPfn.REQ_WRITE : 0);
        range.devPrivateOwner = r.userptr ? null : dev;
        HmmRetry.fault(mm, range);
        int vram = dev.memory() == null ? -1 : dev.memory().id();
        int onDevice = 0;
        for (long e : range.pfns) {
            onDevice += HmmPfn.node(e) == vram ? 1 : 0;
        }
        if (onDevice != 0 && onDevice != range.pfns.length) {
            count("mixed_evict", 1);
            SvmMigration.evictToRam(mm, n, r.start, r.end);
            return RETRY;
        }
        lock().lock();
        try {
            RangeImpl now = ranges.get(r.start);
            if (now == null || now.unmapped || n.readRetry(range.notifierSeq)) {
                count("retry", 1);
                return RETRY;
            }
            bind(now, range.pfns, onDevice > 0);
            return addr < 0 || pgtable.iovaToPhys(addr & ~(PAGE - 1)) != 0 ? BOUND : NOT_AT_ADDR;
        } finally {
            lock().unlock();
        }
    }

    // ---- what prefetching needs (under the device lock) -----------------------------------------

    /** The largest chunk: the granule a prefetch policy selects pages in. */
    long granule() {
        return chunks[0];
    }

    long windowStart(long addr) {
        return window(addr);
    }

    long windowEnd(long addr) {
        return window(addr) + notifierSize;
    }

    PrefetchRequestImpl prefetchRequest() {
        return owner.prefetch;
    }

    boolean hasNotifier(long addr) {
        return notifiers.containsKey(window(addr));
    }

    RangeImpl rangeHolding(long addr) {
        return at(addr);
    }

    /** The first range starting at or after {@code addr}, or null. */
    RangeImpl rangeFrom(long addr) {
        Map.Entry<Long, RangeImpl> e = ranges.ceilingEntry(addr);
        return e == null ? null : e.getValue();
    }

    /** Inserts a range {@code [s, e)} that overlaps none. */
    RangeImpl insert(long s, long e, boolean writable, boolean userptr) {
        RangeImpl r = new RangeImpl(this, s, e, writable, userptr, owner.lru.tick());
        put(r);
        count("range", 1);
        return r;
    }

    /** What {@link #findOrInsert} returns when no chunk fits. */
    private static final RangeImpl NO_CHUNK = new RangeImpl(null, 0, 0, false, false, 0);

    /**
     * Inserts the notifier of window {@code win} unless it exists: outside the device lock, as
     * {@code mmu_interval_notifier_insert} may take the mmap lock. A notifier inserted twice by
     * racing faults is removed again.
     */
    private void ensureNotifier(long win) {
        lock().lock();
        try {
            if (notifiers.containsKey(win) || destroyed) {
                return;
            }
        } finally {
            lock().unlock();
        }
        DeviceNotifier made = owner.notifiers.insert(file, mm, win, notifierSize, (long) id << 32 | (win / notifierSize),
                this::invalidate);
        boolean raced;
        lock().lock();
        try {
            raced = destroyed || notifiers.putIfAbsent(win, made) != null;
        } finally {
            lock().unlock();
        }
        if (raced) {
            made.remove();
        }
    }

    private boolean anonymous(long addr) {
        VmaInfo v = mm.vmaLookup(addr);
        return v != null && !v.shared() && !v.hugetlb() && "[anon]".equals(v.name());
    }

    /**
     * {@code drm_gpusvm_range_find_or_insert}, under the device lock, with the VMA looked up before
     * it; null when the window's notifier went meanwhile (the fault starts over).
     */
    private RangeImpl findOrInsert(long addr, VmaInfo vma, long vaStart, long vaEnd, boolean userptr) {
        RangeImpl existing = at(addr);
        if (existing != null) {
            owner.lru.touch(existing);
            return existing;
        }
        long win = window(addr);
        boolean writable = (vma.prot() & Prot.WRITE) != 0;
        for (long chunk : chunks) {
            long s = addr & ~(chunk - 1);
            long e = s + chunk;
            if (s >= vma.start() && e <= vma.end() && s >= win && e <= win + notifierSize && s >= vaStart
                    && e <= vaEnd && !overlaps(s, e)) {
                if (!notifiers.containsKey(win)) {
                    return null;
                }
                RangeImpl r = new RangeImpl(this, s, e, writable, userptr, owner.lru.tick());
                put(r);
                count("range", 1);
                return r;
            }
        }
        return NO_CHUNK;
    }

    /** Binds a range's pages in the GPU page table; records them for eviction. Under the device lock. */
    private void bind(RangeImpl r, long[] entries, boolean devmem) {
        zap(r);
        int prot = IommuProt.READ | (r.writable ? IommuProt.WRITE : 0);
        for (int i = 0; i < entries.length; i++) {
            long e = entries[i];
            pgtable.mapPages(r.start + i * PAGE, HmmPfn.physAddr(e), PAGE, 1, HmmPfn.writable(e) ? prot : IommuProt.READ);
        }
        r.pfns = entries.clone();
        r.mapped = true;
        if (devmem && !r.devmem) {
            r.policy.entered();
        }
        r.devmem = devmem;
        owner.lru.placed(r);
        count("bind", 1);
    }

    /** Removes a range's GPU mappings and invalidates the device TLB for them. Under the device lock. */
    private void zap(RangeImpl r) {
        if (unbind(r)) {
            dev.cost().tlbFlush(pid);
        }
    }

    /** Removes a range's GPU mappings, the TLB invalidation left to the caller; true if it had some. Under the device lock. */
    private boolean unbind(RangeImpl r) {
        if (r.mapped) {
            IotlbGather gather = new IotlbGather();
            // unmap_pages stops at a page that is not mapped: go on after it.
            for (long a = r.start; a < r.end; a += PAGE) {
                a += pgtable.unmapPages(a, PAGE, (r.end - a) / PAGE, gather);
            }
            r.mapped = false;
            return true;
        }
        return false;
    }

    /**
     * Removes unmapped ranges; hands back the notifiers of windows left empty and the device pages
     * to evict, both to be dealt with after the device lock is dropped. Under the device lock.
     */
    private void collectGarbage(List<DeviceNotifier> drop, List<long[]> evict) {
        for (RangeImpl g : gc) {
            RangeImpl r = ranges.get(g.start) == g ? remove(g.start) : null;
            if (r == null) {
                continue;
            }
            zap(r);
            wasted(r);
            if (r.devmem) {
                evict.add(takeDevicePages(r));
            }
            long win = window(r.start);
            Map.Entry<Long, RangeImpl> next = ranges.ceilingEntry(win);
            if (next == null || next.getKey() >= win + notifierSize) {
                DeviceNotifier n = notifiers.remove(win);
                if (n != null) {
                    drop.add(n);
                }
            }
            count("gc", 1);
        }
        gc.clear();
    }

    /**
     * Returns the device frames of a range in device memory and marks it as no longer there, for
     * {@link #evictPages}. Under the device lock.
     */
    long[] takeDevicePages(RangeImpl r) {
        int vram = dev.memory().id();
        long[] pfns = new long[r.pfns.length];
        int n = 0;
        for (long e : r.pfns) {
            if (HmmPfn.node(e) == vram) {
                pfns[n++] = HmmPfn.pfn(e);
            }
        }
        r.devmem = false;
        r.policy.moved(dev.cost().nowNanos());
        wasted(r);
        owner.lru.forget(r);
        return Arrays.copyOf(pfns, n);
    }

    /** Counts the prefetched pages of a range that leaves before they were used. Under the device lock. */
    void wasted(RangeImpl r) {
        if (r.prefetched != null) {
            dev.count("policy.prefetch_wasted", r.prefetchedLeft);
            r.prefetched = null;
            r.prefetchedLeft = 0;
        }
    }

    /** See {@link SvmMigration#evictPages}; {@code payer} is the process the copies are charged to. */
    void evictPages(long[] pfns, int payer) {
        SvmMigration.evictPages(this, pfns, payer);
    }

    DeviceContext dev() {
        return dev;
    }

    AddressSpace mm() {
        return mm;
    }

    // ---- invalidation -------------------------------------------------------------------------

    /**
     * {@code drm_gpusvm_notifier_invalidate}: zaps every range the change reaches; an unmap also
     * marks them and queues them for the garbage collector.
     */
    private boolean invalidate(DeviceNotifier notifier, NotifierRange range, long seq) {
        ReentrantLock lock = lock();
        if (!range.blockable()) {
            if (!lock.tryLock()) {
                return false;
            }
        } else {
            lock.lock();
        }
        try {
            notifier.setSeq(seq);
            RangeImpl h = hint;
            if (h != null && h.start <= range.start() && range.end() <= h.end) {
                invalidated(h, range);
            } else {
                // Ranges do not overlap: the one below the start, if it reaches it, then those after.
                Long at = ranges.floorKey(range.start());
                if (at == null || ranges.get(at).end <= range.start()) {
                    at = ranges.higherKey(range.start());
                }
                for (; at != null && at < range.end(); at = ranges.higherKey(at)) {
                    RangeImpl r = ranges.get(at);
                    invalidated(r, range);
                    if (r.start <= range.start() && range.end() <= r.end) {
                        hint = r;
                    }
                }
            }
            count("invalidate", 1);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void invalidated(RangeImpl r, NotifierRange range) {
        zap(r);
        if (range.event() == NotifierEvent.MIGRATE && r.devmem) {
            // Its pages are leaving device memory (drm_gpusvm clears has_devmem_pages on unmap):
            // the next GPU fault decides again where it lives.
            r.devmem = false;
            r.policy.moved(dev.cost().nowNanos());
            wasted(r);
            owner.lru.forget(r);
        }
        if (range.event() == NotifierEvent.UNMAP) {
            if (!r.unmapped) {
                gc.add(r);
            }
            r.unmapped = true;
            if (range.start() > r.start || range.end() < r.end) {
                r.partialUnmap = true;
            }
        }
    }

    // ---- the device's side --------------------------------------------------------------------

    /** The range in device memory holding {@code addr}, or null. Under the device lock. */
    RangeImpl devmemRangeAt(long addr) {
        RangeImpl r = at(addr);
        return r != null && r.devmem ? r : null;
    }

    @Override
    public void destroy() {
        List<DeviceNotifier> drop;
        lock().lock();
        try {
            boolean flush = false;
            for (RangeImpl r : ranges.values()) {
                flush |= unbind(r);
                wasted(r);
                owner.lru.forget(r);
                r.removed = true;
            }
            if (flush) {
                // The VM goes: one invalidation of its whole address space.
                dev.cost().tlbFlush(pid);
            }
            ranges.clear();
            gc.clear();
            hint = null;
            drop = new ArrayList<>(notifiers.values());
            notifiers.clear();
            destroyed = true;
            owner.forget(this);
        } finally {
            lock().unlock();
        }
        drop.forEach(DeviceNotifier::remove);
    }

    @Override
    public String toString() {
        return "GPU SVM " + id + " of file " + file.id();
    }
}
