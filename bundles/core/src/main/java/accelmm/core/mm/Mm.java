package accelmm.core.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.hmm.MigrateCopier;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.hmm.HmmRange;
import accelmm.api.lockdep.LockClass;
import accelmm.api.lockdep.TrackedLock;
import accelmm.api.lockdep.TrackedRwLock;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.GupFlags;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;
import accelmm.api.mm.SharedFile;
import accelmm.api.mm.VmaInfo;
import accelmm.api.notifier.IntervalNotifier;
import accelmm.api.notifier.IntervalNotifierOps;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierInfo;
import accelmm.api.notifier.NotifierRange;
import accelmm.core.mem.MemoryNode;
import accelmm.core.notifier.Subscriptions;

/**
 * An address space: the VMAs, the CPU page table, and the mapping calls and CPU accesses over them.
 *
 * <p>Locking, as in the kernel: {@link #lock} is the mmap lock, held for writing by calls that
 * change mappings (mmap, munmap, mprotect, mremap, fork, exit) and for reading by faults, CPU
 * accesses and GUP; the page table itself is guarded by {@link #ptl} (the page-table lock), which
 * faults take per page. A device-private entry's {@code migrate_to_ram} runs with the page-table lock
 * dropped. Notifier callbacks run with both held. Frame references: every present PTE that is not
 * the zero page holds one.
 */
final class Mm implements AddressSpace {
    /** Where top-down placement of new mappings starts. */
    static final long MMAP_BASE = 0x7f00_0000_0000L;
    /** The lowest address a mapping may use ({@code mmap_min_addr}). */
    static final long MMAP_MIN = 0x10000L;
    private static final long PAGE = PageSize.PAGE_SIZE;
    /** Every address space's mmap lock ({@code mmap_lock}). */
    static final LockClass MMAP_LOCK = LockClass.of("mmap_lock");
    /** Every address space's page-table lock ({@code ptl}). */
    static final LockClass PTL = LockClass.of("ptl");

    final TrackedRwLock lock = new TrackedRwLock(MMAP_LOCK);
    /** The page-table lock: guards {@link #pt} and the entries' frame references. */
    final TrackedLock ptl = new TrackedLock(PTL);
    final PageTable pt = new PageTable();
    final Subscriptions notifiers;
    /** The mappings by start address; under the mmap lock. */
    final TreeMap<Long, Vma> vmas = new TreeMap<>();
    private final MemoryNode node;
    private final Shrinkers shrinkers;
    private final Counters counters;
    private final Faults faults;
    private final ThpMode thp;
    private boolean dead;

    private final Pagemaps pagemaps;
    private final HugetlbPool hugetlb;

    Mm(MemoryNode node, Counters counters, ThpMode thp, Pagemaps pagemaps, Shrinkers shrinkers, HugetlbPool hugetlb) {
        this.node = node;
        this.hugetlb = hugetlb;
        this.shrinkers = shrinkers;
        this.counters = counters;
        this.pagemaps = pagemaps;
        this.notifiers = new Subscriptions(calls -> {
            counters.inc(Counter.NOTIFIER_INVALIDATIONS);
            counters.add(Counter.NOTIFIER_CALLBACKS, calls);
        });
        this.faults = new Faults(node, counters, notifiers, this::deviceFault, hugetlb);
        this.thp = thp;
    }

    // ---- reclaim ------------------------------------------------------------------------------

    /** The fewest pages direct reclaim asks the shrinkers for ({@code SWAP_CLUSTER_MAX}). */
    static final long RECLAIM_BATCH = 32;

    /**
     * Runs a call that may allocate host pages for {@code pages} pages; when the host node has no
     * free block for it, the shrinkers free what they can and it runs again, as direct reclaim does
     * before an allocation gives up (an injected failure is not reclaimed). Called with no lock
     * held, so the call's own locks are released before the shrinkers run.
     */
    void reclaiming(long pages, Runnable call) {
        reclaiming(pages, () -> {
            call.run();
            return null;
        });
    }

    <T> T reclaiming(long pages, java.util.function.Supplier<T> call) {
        while (true) {
            try {
                return call.get();
            } catch (accelmm.core.mem.NoMemoryException e) {
                // Another try only after real progress: the shrinkers say they freed pages and the
                // host holds fewer (a shrinker that only claims to free cannot keep it looping).
                long before = node.info().used();
                if (e.node() != node || shrinkers.reclaim(Math.max(RECLAIM_BATCH, pages)) <= 0 || node.info().used() >= before) {
                    throw e;
                }
            }
        }
    }

    // ---- lookup -------------------------------------------------------------------------------

    private Vma find(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        return e != null && addr < e.getValue().end ? e.getValue() : null;
    }

    /** The mapping at {@code addr}, which must exist ({@code ENOMEM} otherwise, as mprotect and madvise say). */
    private Vma mapped(long addr) {
        Vma v = find(addr);
        if (v == null) {
            throw Errno.ENOMEM.exception(String.format("0x%x is not mapped", addr));
        }
        return v;
    }

    /** The page-aligned end of a non-empty range, which must lie in user space ({@code ENOMEM} otherwise). */
    private static long rangeEnd(long addr, long length) {
        long end = addr + pageAlignUp(length);
        if (end <= addr || end > TASK_SIZE) {
            throw Errno.ENOMEM.exception("range beyond the address space");
        }
        return end;
    }

    private void checkAlive() {
        if (dead) {
            throw Errno.ESRCH.exception("the process has exited");
        }
    }

    static long pageAlignUp(long length) {
        long len = (length + PAGE - 1) & PageSize.PAGE_MASK;
        if (len < length) {
            throw Errno.ENOMEM.exception("length " + length + " overflows");
        }
        return len;
    }

    // ---- mmap ---------------------------------------------------------------------------------

    @Override
    public long mmap(long addr, long length, int prot, int flags) {
        if ((flags & MapFlags.ANONYMOUS) == 0) {
            throw Errno.EBADF.exception("a mapping without MAP_ANONYMOUS needs a file");
        }
        return map(addr, length, prot, flags, null, 0, true);
    }

    @Override
    public long mmap(long addr, long length, int prot, int flags, SharedFile file, long offset) {
        return mmap(addr, length, prot, flags, file, offset, true);
    }

    @Override
    public long mmap(long addr, long length, int prot, int flags, SharedFile file, long offset, boolean writeAccess) {
        if ((flags & MapFlags.ANONYMOUS) != 0) {
            throw Errno.EINVAL.exception("MAP_ANONYMOUS with a file");
        }
        if (!(file instanceof FileObject f) || f.released()) {
            throw Errno.EBADF.exception("no such open file");
        }
        if ((offset & (PAGE - 1)) != 0 || offset < 0) {
            throw Errno.EINVAL.exception("offset " + offset + " is not page aligned");
        }
        boolean mayWrite = f.writable() && writeAccess;
        if ((flags & MapFlags.SHARED) != 0 && (prot & Prot.WRITE) != 0 && !mayWrite) {
            throw Errno.EACCES.exception(f.name() + (f.writable() ? " is open read-only" : " is read-only"));
        }
        return map(addr, length, prot, flags, f, offset >>> PageSize.PAGE_SHIFT, mayWrite);
    }

    /** Maps and populates if asked; {@code mayWrite} false keeps a shared mapping read-only for good. */
    private long map(long addr, long length, int prot, int flags, FileObject file, long pgoff, boolean mayWrite) {
        long start = mapLocked(addr, length, prot, flags, file, pgoff, mayWrite);
        if ((flags & MapFlags.POPULATE) != 0) {
            // As vm_mmap_pgoff: MAP_POPULATE runs after the mmap lock is dropped, so it may reclaim;
            // it is best effort: the mapping stands, later accesses fault again.
            long end = start + ((length + PAGE - 1) & PageSize.PAGE_MASK);
            boolean write = (prot & Prot.WRITE) != 0 && (flags & MapFlags.SHARED) == 0;
            try {
                reclaiming((end - start) / PAGE, () -> populateRange(start, end, write));
            } catch (ErrnoException e) {
                // The mapping changed meanwhile, or memory ran out: nothing to report.
            }
        }
        return start;
    }

    private long mapLocked(long addr, long length, int prot, int flags, FileObject file, long pgoff, boolean mayWrite) {
        if ((flags & ~MapFlags.VALID) != 0 || (prot & ~Prot.ALL) != 0
                || (flags & MapFlags.HUGE_MASK) != 0 && (flags & MapFlags.HUGETLB) == 0) {
            throw Errno.EINVAL.exception("unknown flags 0x" + Integer.toHexString(flags) + " or prot " + prot);
        }
        boolean shared = (flags & MapFlags.SHARED) != 0;
        if (shared == ((flags & MapFlags.PRIVATE) != 0)) {
            throw Errno.EINVAL.exception("exactly one of MAP_SHARED and MAP_PRIVATE is needed");
        }
        if (length == 0) {
            throw Errno.EINVAL.exception("length 0");
        }
        boolean huge = hugetlbMapping(flags, file, pgoff);
        long len = huge ? (length + PageSize.PMD_SIZE - 1) & -PageSize.PMD_SIZE : pageAlignUp(length);
        if (len > TASK_SIZE || length < 0 || len <= 0) {
            throw Errno.ENOMEM.exception("length " + length + " exceeds the address space");
        }
        boolean fixed = (flags & (MapFlags.FIXED | MapFlags.FIXED_NOREPLACE)) != 0;
        if (fixed && huge && (addr & (PageSize.PMD_SIZE - 1)) != 0) {
            throw Errno.EINVAL.exception(String.format("a hugetlb mapping at 0x%x is not 2 MiB aligned", addr));
        }
        if (huge && (addr & (PageSize.PMD_SIZE - 1)) != 0) {
            addr = 0;
        }
        if (fixed) {
            if ((addr & (PAGE - 1)) != 0) {
                throw Errno.EINVAL.exception(String.format("fixed address 0x%x is not page aligned", addr));
            }
            if (addr < MMAP_MIN) {
                throw Errno.EPERM.exception(String.format("0x%x is below mmap_min_addr", addr));
            }
            if (addr > TASK_SIZE - len) {
                throw Errno.ENOMEM.exception(String.format("0x%x + %d is beyond the address space", addr, len));
            }
        }
        lock.writeLock();
        try {
            checkAlive();
            long start;
            if (fixed) {
                if ((flags & MapFlags.FIXED_NOREPLACE) != 0 && overlaps(addr, addr + len)) {
                    throw Errno.EEXIST.exception(String.format("[0x%x, 0x%x) is already mapped", addr, addr + len));
                }
                start = addr;
            } else if (addr >= MMAP_MIN && (addr & (PAGE - 1)) == 0 && addr <= TASK_SIZE - len
                    && !overlaps(addr, addr + len)) {
                start = addr;
            } else {
                start = findGap(len);
            }
            if (fixed) {
                checkHugetlbSplit(start, start + len);
            }
            FileObject backing = file;
            long off = pgoff;
            if (backing == null && shared) {
                backing = huge ? new FileObject("anon_hugepage", len, true, false, node, counters, hugetlb)
                        : new FileObject("[shmem]", len, true, false, node, counters);
                off = 0;
            } else if (huge && !shared) {
                // hugetlb_reserve_pages: a private mapping owns a reservation for each of its pages.
                hugetlb.reserve(len / PageSize.PMD_SIZE);
            }
            if (fixed) {
                unmapRange(start, start + len);
            }
            Vma v = new Vma(start, start + len, prot, shared, backing, off);
            v.hugetlb = huge;
            v.hugeResvOwner = huge && !shared;
            v.mayWrite = mayWrite;
            if (backing != null) {
                backing.addMapping();
            }
            vmas.put(start, v);
            counters.inc(Counter.MMAP);
            return start;
        } finally {
            lock.writeUnlock();
        }
    }

    /**
     * Whether a new mapping is hugetlb: {@code MAP_HUGETLB} of the 2 MiB size (or the default), or
     * any mapping of a hugetlbfs file, at an offset of whole huge pages.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for another huge page size, MAP_HUGETLB of
     *     a file not on hugetlbfs, or a hugetlbfs offset that is not 2 MiB aligned
     */
    private static boolean hugetlbMapping(int flags, FileObject file, long pgoff) {
        if ((flags & MapFlags.HUGETLB) != 0) {
            int log = (flags & MapFlags.HUGE_MASK) >>> MapFlags.HUGE_SHIFT;
            if (log != 0 && log != PageSize.PMD_SHIFT) {
                throw Errno.EINVAL.exception("no hugetlb pool of 2^" + log + "-byte pages (only 2 MiB)");
            }
            if (file != null && !file.huge()) {
                throw Errno.EINVAL.exception("MAP_HUGETLB of " + file.name() + ", which is not on hugetlbfs");
            }
        }
        if (file != null && file.huge() && (pgoff & (HugetlbPool.PAGES - 1)) != 0) {
            throw Errno.EINVAL.exception("offset " + (pgoff << PageSize.PAGE_SHIFT) + " into " + file.name()
                    + " is not a whole number of 2 MiB pages");
        }
        return (flags & MapFlags.HUGETLB) != 0 || file != null && file.huge();
    }

    /**
     * Refuses to split a hugetlb mapping at other than a 2 MiB boundary ({@code hugetlb_vm_op_split}),
     * before anything changes. Holds the mmap lock.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL}
     */
    private void checkHugetlbSplit(long start, long end) {
        for (long at : new long[] {start, end}) {
            Vma v = find(at);
            if (v != null && v.hugetlb && v.start != at && (at & (PageSize.PMD_SIZE - 1)) != 0) {
                throw Errno.EINVAL.exception(String.format("0x%x would split the hugetlb mapping at 0x%x inside a huge page",
                        at, v.start));
            }
        }
    }

    boolean overlaps(long start, long end) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(end);
        return e != null && e.getValue().end > start;
    }

    /** The highest free range of {@code len} bytes below {@link #MMAP_BASE}, 2 MiB aligned when that large. */
    long findGap(long len) {
        long align = len >= PageSize.PMD_SIZE ? PageSize.PMD_SIZE : PAGE;
        long hi = MMAP_BASE;
        for (Vma v : vmas.descendingMap().values()) {
            if (v.start >= hi) {
                continue;
            }
            if (v.end <= hi && hi - v.end >= len) {
                long cand = (hi - len) & ~(align - 1);
                if (cand >= v.end) {
                    return cand;
                }
            }
            hi = Math.min(hi, v.start);
        }
        long cand = (hi - len) & ~(align - 1);
        if (hi - len < MMAP_MIN || cand < MMAP_MIN) {
            throw Errno.ENOMEM.exception("no free range of " + len + " bytes");
        }
        return cand;
    }

    // ---- munmap -------------------------------------------------------------------------------

    @Override
    public void munmap(long addr, long length) {
        if ((addr & (PAGE - 1)) != 0 || length <= 0) {
            throw Errno.EINVAL.exception(String.format("munmap(0x%x, %d): unaligned address or empty length", addr, length));
        }
        long len = pageAlignUp(length);
        if (addr < 0 || addr > TASK_SIZE - len) {
            throw Errno.EINVAL.exception(String.format("munmap(0x%x, %d) is beyond the address space", addr, length));
        }
        lock.writeLock();
        try {
            checkAlive();
            checkHugetlbSplit(addr, addr + len);
            unmapRange(addr, addr + len);
            counters.inc(Counter.MUNMAP);
        } finally {
            lock.writeUnlock();
        }
    }

    /** Splits the mapping containing {@code addr} so that a mapping starts there. */
    void splitAt(long addr) {
        Vma v = find(addr);
        if (v == null || v.start == addr) {
            return;
        }
        Vma right = v.slice(addr, v.end);
        v.end = addr;
        if (right.file != null) {
            right.file.addMapping();
        }
        vmas.put(addr, right);
        splitHuge(addr);
    }

    /**
     * A mapping boundary inside a huge page maps it by pages from now on, as
     * {@code vma_adjust_trans_huge} splits the PMD that straddles it.
     */
    private void splitHuge(long addr) {
        long vpn = addr >>> PageSize.PAGE_SHIFT;
        long base = vpn & ~((1L << MemoryNode.HUGE_ORDER) - 1);
        if (base == vpn) {
            return;
        }
        ptl.lock();
        try {
            int pte = pt.get(base);
            if (Pte.hasFrame(pte) && Pte.present(pte)) {
                node.splitHuge(Pte.pfn(pte));
            }
        } finally {
            ptl.unlock();
        }
    }

    /** Removes every mapping in [start, end), dropping its frames, with an UNMAP invalidation. */
    void unmapRange(long start, long end) {
        if (!overlaps(start, end)) {
            return;
        }
        notifiers.invalidateStart(new NotifierRange(start, end, NotifierEvent.UNMAP, true, null));
        try {
            unmapQuietly(start, end);
        } finally {
            notifiers.invalidateEnd();
        }
    }

    /** Removes every mapping in [start, end) inside an invalidation the caller runs. Holds the mmap write lock. */
    private void unmapQuietly(long start, long end) {
        splitAt(start);
        splitAt(end);
        List<Vma> gone = new ArrayList<>(vmas.subMap(start, true, end, false).values());
        for (Vma v : gone) {
            if (v.hugeResvOwner) {
                hugetlb.unreserve(unfaultedHugePages(v));
            }
            zap(v.start, v.end);
            vmas.remove(v.start);
            if (v.file != null) {
                v.file.dropMapping();
            }
        }
    }

    /** The huge pages of a private hugetlb mapping that have no private page yet: its reservations left. */
    private long unfaultedHugePages(Vma v) {
        long n = 0;
        ptl.lock();
        try {
            for (long a = v.start; a < v.end; a += PageSize.PMD_SIZE) {
                int pte = pt.get(a >>> PageSize.PAGE_SHIFT);
                boolean privatePage = Pte.hasFrame(pte) && (v.file == null || v.file.cached(v.filePage(a)) != Pte.pfn(pte));
                n += privatePage ? 0 : 1;
            }
        } finally {
            ptl.unlock();
        }
        return n;
    }

    /** Clears the PTEs of [start, end) and drops their frame references. */
    void zap(long start, long end) {
        ptl.lock();
        try {
            List<Long> vpns = new ArrayList<>();
            pt.forEach(start >>> PageSize.PAGE_SHIFT, end >>> PageSize.PAGE_SHIFT, (vpn, pte) -> vpns.add(vpn));
            for (long vpn : vpns) {
                release(pt.clear(vpn), vpn);
            }
        } finally {
            ptl.unlock();
        }
    }

    /** Drops the reference a removed PTE (at {@code vpn}) held: on a host frame or on a device-private page. */
    private void release(int pte, long vpn) {
        if (Pte.hasFrame(pte)) {
            node.put(Pte.pfn(pte));
        } else if (Pte.isDevice(pte)) {
            Pagemaps.Pagemap pm = pagemaps.get(Pte.deviceSlot(pte));
            pm.unmapped(pm.pfnOf(pte), this, vpn);
        }
    }

    /**
     * Replaces this address space's mapping of device page {@code pfn} at {@code vpn}, if it is still
     * there, by host frame {@code copy} (eviction, without the mmap lock), which the new entry takes
     * a reference to. The first mapping to take the copy fills it, once its invalidation has zapped
     * the device's mappings.
     *
     * @param filled true if another mapping already took (and filled) the copy
     * @return true if the mapping was replaced
     */
    boolean evictEntry(Pagemaps.Pagemap pm, long pfn, long vpn, long copy, boolean filled) {
        ptl.lock();
        try {
            int pte = pt.get(vpn);
            if (!Pte.isDevice(pte) || pagemaps.get(Pte.deviceSlot(pte)) != pm || pm.pfnOf(pte) != pfn) {
                return false;
            }
            long addr = vpn << PageSize.PAGE_SHIFT;
            notifiers.invalidateStart(new NotifierRange(addr, addr + PAGE, NotifierEvent.MIGRATE, true, pm.owner));
            try {
                if (!filled) {
                    // Copied only now: the invalidation has zapped every device mapping of the
                    // page, so no device write can land on it after the copy.
                    node.copyFrom(pm.node, pfn, copy);
                }
                node.get(copy);
                pt.set(vpn, Pte.of(copy, Pte.writable(pte)));
                pm.unmapped(pfn, this, vpn);
                counters.inc(Counter.MIGRATE_PAGES);
                counters.add(Counter.MIGRATE_BYTES, PAGE);
            } finally {
                notifiers.invalidateEnd();
            }
            return true;
        } finally {
            ptl.unlock();
        }
    }

    /**
     * A CPU access to a device-private page: the owner migrates it back, or the access fails. A
     * page that another thread migrated back meanwhile (its owner then finds nothing to move) is
     * simply faulted in; one that went back to the device meanwhile is migrated again.
     */
    private int deviceFault(Vma v, long addr, boolean write) {
        return deviceToRam(v, addr, write, false);
    }

    /**
     * Brings a device page back to system memory through its owner: a device-private page always;
     * a device-coherent one for a write it may not make, or always with {@code pinning} (a pin or a
     * device-exclusive entry needs a page in system memory, as {@code folio_is_longterm_pinnable}
     * says no to device-coherent pages). Under the mmap lock and the page-table lock.
     */
    private int deviceToRam(Vma v, long addr, boolean write, boolean pinning) {
        long page = addr & PageSize.PAGE_MASK;
        long vpn = page >>> PageSize.PAGE_SHIFT;
        counters.inc(Counter.FAULT_DEVICE);
        while (Pte.isDevice(pt.get(vpn))
                && (!Pte.isCoherent(pt.get(vpn)) || pinning || write && !Pte.writable(pt.get(vpn)))) {
            Pagemaps.Pagemap pm = pagemaps.get(Pte.deviceSlot(pt.get(vpn)));
            // As do_swap_page: the owner's migrate_to_ram runs without the page-table lock (it takes
            // its own locks and migrates, which takes the page-table lock again); the mmap lock stays.
            int holds = ptl.getHoldCount();
            for (int i = 0; i < holds; i++) {
                ptl.unlock();
            }
            boolean ok;
            try {
                ok = pm.ops.migrateToRam(this, page);
            } finally {
                for (int i = 0; i < holds; i++) {
                    ptl.lock();
                }
            }
            if (!ok && Pte.isDevice(pt.get(vpn)) && (!Pte.isCoherent(pt.get(vpn)) || pinning || write)) {
                throw Errno.EFAULT.exception(String.format("SIGBUS: the device page at 0x%x did not migrate back", page));
            }
        }
        return faults.fault(pt, v, addr, write, thp);
    }

    // ---- mprotect -----------------------------------------------------------------------------

    // ---- madvise ------------------------------------------------------------------------------

    @Override
    public void madvise(long addr, long length, int advice) {
        if (advice != accelmm.api.mm.Madvise.HUGEPAGE && advice != accelmm.api.mm.Madvise.NOHUGEPAGE) {
            throw Errno.EINVAL.exception("madvise advice " + advice + " is not known");
        }
        if ((addr & (PAGE - 1)) != 0 || addr < 0) {
            throw Errno.EINVAL.exception(String.format("madvise(0x%x): the address is not page-aligned", addr));
        }
        long len = (length + PAGE - 1) & PageSize.PAGE_MASK;
        if (length < 0 || len < length || addr + len < addr) {
            throw Errno.EINVAL.exception(String.format("madvise(0x%x, %d): the range wraps", addr, length));
        }
        if (len == 0) {
            return;
        }
        long end = addr + len;
        boolean hole = false;
        lock.writeLock();
        try {
            checkAlive();
            checkHugetlbSplit(addr, end);
            // As madvise_update_vma: a mapping whose advice does not change is not split.
            Vma first = find(addr);
            if (first != null && first.hugeAdvice != advice) {
                splitAt(addr);
            }
            Vma last = find(end - 1);
            if (last != null && last.hugeAdvice != advice) {
                splitAt(end);
            }
            long at = addr;
            Map.Entry<Long, Vma> below = vmas.lowerEntry(addr);
            List<Vma> in = new ArrayList<>();
            if (below != null && below.getValue().end > addr) {
                in.add(below.getValue());
            }
            in.addAll(vmas.subMap(addr, true, end, false).values());
            for (Vma v : in) {
                hole |= v.start > at;
                v.hugeAdvice = advice;
                at = v.end;
            }
            hole |= at < end;
        } finally {
            lock.writeUnlock();
        }
        if (hole) {
            throw Errno.ENOMEM.exception(String.format("madvise(0x%x, %d): part of the range is not mapped", addr, length));
        }
    }

    @Override
    public void mprotect(long addr, long length, int prot) {
        if ((addr & (PAGE - 1)) != 0 || (prot & ~Prot.ALL) != 0 || length < 0) {
            throw Errno.EINVAL.exception(String.format("mprotect(0x%x, %d, %d): bad address or prot", addr, length, prot));
        }
        if (length == 0) {
            return;
        }
        long end = rangeEnd(addr, length);
        lock.writeLock();
        try {
            checkAlive();
            checkHugetlbSplit(addr, end);
            for (long a = addr; a < end;) {
                Vma v = mapped(a);
                if (v.shared && (prot & Prot.WRITE) != 0 && !v.mayWrite) {
                    throw Errno.EACCES.exception(v.name() + " is mapped without write access to it");
                }
                a = v.end;
            }
            notifiers.invalidateStart(new NotifierRange(addr, end, NotifierEvent.PROTECTION_VMA, true, null));
            try {
                changeProtection(addr, end, prot);
            } finally {
                notifiers.invalidateEnd();
            }
            counters.inc(Counter.MPROTECT);
        } finally {
            lock.writeUnlock();
        }
    }

    private void changeProtection(long addr, long end, int prot) {
        splitAt(addr);
        splitAt(end);
        for (Vma v : vmas.subMap(addr, true, end, false).values()) {
            v.prot = prot;
        }
        if ((prot & Prot.WRITE) == 0) {
            ptl.lock();
            try {
                List<long[]> ro = new ArrayList<>();
                pt.forEach(addr >>> PageSize.PAGE_SHIFT, end >>> PageSize.PAGE_SHIFT,
                        (vpn, pte) -> ro.add(new long[] {vpn, Pte.readOnly(pte)}));
                for (long[] e : ro) {
                    pt.set(e[0], (int) e[1]);
                }
            } finally {
                ptl.unlock();
            }
        }
    }

    // ---- mremap -------------------------------------------------------------------------------

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        return Mremap.run(this, oldAddr, oldLength, newLength, flags, newAddr);
    }

    // ---- CPU access ---------------------------------------------------------------------------

    @Override
    public void read(long addr, byte[] dst, int off, int len) {
        CpuAccess.bytes(this, addr, dst, off, len, false);
    }

    @Override
    public void write(long addr, byte[] src, int off, int len) {
        CpuAccess.bytes(this, addr, src, off, len, true);
    }

    @Override
    public void readStamps(long addr, long[] dst, int off, int count) {
        CpuAccess.stamps(this, addr, dst, off, count, false);
    }

    @Override
    public void writeStamps(long addr, long[] src, int off, int count) {
        CpuAccess.stamps(this, addr, src, off, count, true);
    }

    @Override
    public void populate(long addr, long length, boolean write) {
        if ((addr & (PAGE - 1)) != 0 || length < 0) {
            throw Errno.EINVAL.exception("unaligned address or negative length");
        }
        if (length == 0) {
            return;
        }
        long end = rangeEnd(addr, length);
        reclaiming(length / PAGE, () -> populateRange(addr, end, write));
    }

    /** Faults in every page of [addr, end), as {@link #populate} asks. */
    private void populateRange(long addr, long end, boolean write) {
        lock.readLock();
        try {
            checkAlive();
            for (long a = addr; a < end;) {
                Vma v = mapped(a);
                if (write ? !v.writable() : !v.readable()) {
                    throw Errno.EFAULT.exception(String.format("0x%x does not allow %s", a, write ? "writes" : "reads"));
                }
                long stop = Math.min(end, v.end);
                ptl.lock();
                try {
                    for (; a < stop; a += PAGE) {
                        faults.fault(pt, v, a, write, thp);
                    }
                } finally {
                    ptl.unlock();
                }
            }
        } finally {
            lock.readUnlock();
        }
    }

    // ---- HMM ----------------------------------------------------------------------------------

    @Override
    public void hmmRangeFault(HmmRange r) {
        if (!notifiers.owns(r.notifier) || r.start < r.notifier.start() || r.end - 1 > r.notifier.last()) {
            throw Errno.EINVAL.exception("the range's notifier is not of this address space or does not cover it");
        }
        reclaiming(r.pfns.length, () -> HmmFault.run(this, r));
    }

    // ---- device-exclusive access --------------------------------------------------------------

    @Override
    public long[] makeDeviceExclusive(long start, long end, Object owner) {
        if ((start & (PAGE - 1)) != 0 || (end & (PAGE - 1)) != 0 || end <= start || end > TASK_SIZE) {
            throw Errno.EINVAL.exception("bad exclusive range");
        }
        int pages = (int) ((end - start) >>> PageSize.PAGE_SHIFT);
        long[] pfns = new long[pages];
        lock.readLock();
        try {
            checkAlive();
            for (long a = start; a < end; a += PAGE) {
                Vma v = find(a);
                if (v == null || !v.writable() || !v.privateAnon()) {
                    throw Errno.EFAULT.exception(String.format("0x%x is not private anonymous memory mapped writable", a));
                }
            }
            ptl.lock();
            try {
                // A device-private page in the range is migrated back with the page-table lock
                // dropped, so an earlier page may have changed meanwhile: fault until one pass finds
                // every entry present and writable under the lock.
                boolean settled;
                do {
                    for (long a = start; a < end; a += PAGE) {
                        if (Pte.isCoherent(faults.fault(pt, find(a), a, true, thp))) {
                            deviceToRam(find(a), a, true, true);
                        }
                    }
                    settled = true;
                    for (long vpn = start >>> PageSize.PAGE_SHIFT; vpn < end >>> PageSize.PAGE_SHIFT && settled; vpn++) {
                        int pte = pt.get(vpn);
                        settled = Pte.hasFrame(pte) && Pte.present(pte) && Pte.writable(pte);
                    }
                } while (!settled);
                notifiers.invalidateStart(new NotifierRange(start, end, NotifierEvent.EXCLUSIVE, true, owner));
                try {
                    for (int i = 0; i < pages; i++) {
                        long vpn = (start >>> PageSize.PAGE_SHIFT) + i;
                        int pte = pt.get(vpn);
                        pfns[i] = Pte.pfn(pte);
                        pt.set(vpn, Pte.exclusive(Pte.pfn(pte), Pte.writable(pte)));
                    }
                } finally {
                    notifiers.invalidateEnd();
                }
            } finally {
                ptl.unlock();
            }
            return pfns;
        } finally {
            lock.readUnlock();
        }
    }

    // ---- migration ----------------------------------------------------------------------------

    @Override
    public void migrateVma(MigrateVma args, MigrateCopier copier) {
        lock.readLock();
        try {
            if (dead) {
                throw Errno.EFAULT.exception("the address space has exited");
            }
            Vma v = find(args.start);
            if (v == null || args.end > v.end) {
                throw Errno.EINVAL.exception(String.format("[0x%x, 0x%x) is not inside one mapping", args.start, args.end));
            }
            if (v.hugetlb) {
                throw Errno.EINVAL.exception(String.format("hugetlb pages at 0x%x do not migrate to a device", args.start));
            }
            ptl.lock();
            try {
                notifiers.invalidateStart(new NotifierRange(args.start, args.end, NotifierEvent.MIGRATE, true, args.pgmapOwner));
                try {
                    Migration.run(this, v, args, copier);
                } finally {
                    notifiers.invalidateEnd();
                }
            } finally {
                ptl.unlock();
            }
        } finally {
            lock.readUnlock();
        }
    }

    // accessors for Migration (package)

    /** The mapping containing {@code addr}, or null; under the mmap lock. */
    Vma vma(long addr) {
        return find(addr);
    }

    /** Throws {@code ESRCH} once the address space has exited; under the mmap lock. */
    void requireAlive() {
        checkAlive();
    }

    boolean exited() {
        return dead;
    }

    Faults faults() {
        return faults;
    }

    ThpMode thp() {
        return thp;
    }

    /** See {@link #deviceToRam}. */
    int deviceToRamForPin(Vma v, long addr, boolean write) {
        return deviceToRam(v, addr, write, true);
    }

    PageTable pageTable() {
        return pt;
    }

    MemoryNode hostNode() {
        return node;
    }

    Pagemaps pagemaps() {
        return pagemaps;
    }

    Counters counters() {
        return counters;
    }

    void releasePte(int pte, long vpn) {
        release(pte, vpn);
    }

    // ---- GUP ----------------------------------------------------------------------------------

    @Override
    public PinnedPages pinUserPages(long addr, int nrPages, int gupFlags) {
        if ((addr & (PAGE - 1)) != 0 || nrPages < 1) {
            throw Errno.EINVAL.exception("unaligned address or no pages");
        }
        return reclaiming(nrPages, () -> Gup.pin(this, addr, nrPages, (gupFlags & GupFlags.WRITE) != 0));
    }

    // ---- fork, exit, listing, checking --------------------------------------------------------

    /** Copies this address space into {@code child} ({@code dup_mmap}); see {@link Fork}. */
    void forkInto(Mm child) {
        Fork.copy(this, child);
    }

    /** Unmaps everything; later calls answer {@code ESRCH}. */
    void exit() {
        exit(0);
    }

    /**
     * {@link #exit()} of an address space whose lock is taken inside another's ({@code nesting} 1:
     * a fork's child torn down while the parent's lock is held, as {@code mmap_write_lock_nested}).
     */
    void exit(int nesting) {
        lock.writeLockNested(nesting);
        try {
            if (!dead) {
                notifiers.invalidateStart(Subscriptions.RELEASE_ALL);
                try {
                    unmapQuietly(0, TASK_SIZE);
                } finally {
                    notifiers.invalidateEnd();
                }
                notifiers.markReleased();
                dead = true;
            }
        } finally {
            lock.writeUnlock();
        }
    }

    @Override
    public IntervalNotifier insertNotifier(long start, long length, IntervalNotifierOps ops) {
        return notifiers.insert(start, length, ops);
    }

    @Override
    public List<NotifierInfo> notifiers() {
        return notifiers.list();
    }

    @Override
    public VmaInfo vmaLookup(long addr) {
        lock.readLock();
        try {
            Vma v = find(addr);
            return v == null ? null : info(v);
        } finally {
            lock.readUnlock();
        }
    }

    @Override
    public List<VmaInfo> vmas(long start, long end) {
        List<VmaInfo> out = new ArrayList<>();
        // Unsigned, as the kernel's addresses: an end past 2^63 reaches every mapping.
        long last = end < 0 ? Long.MAX_VALUE : end;
        if (start < 0 || last <= start) {
            return out;
        }
        lock.readLock();
        try {
            Map.Entry<Long, Vma> below = vmas.lowerEntry(start);
            if (below != null && below.getValue().end > start) {
                out.add(info(below.getValue()));
            }
            for (Vma v : vmas.subMap(start, true, last, false).values()) {
                out.add(info(v));
            }
            return out;
        } finally {
            lock.readUnlock();
        }
    }

    private static VmaInfo info(Vma v) {
        return new VmaInfo(v.start, v.end, v.prot, v.shared, v.name(), v.file == null ? 0 : v.pgoff << PageSize.PAGE_SHIFT, -1,
                v.hugetlb);
    }

    @Override
    public List<VmaInfo> maps() {
        lock.readLock();
        try {
            List<VmaInfo> out = new ArrayList<>();
            ptl.lock();
            try {
                for (Vma v : vmas.values()) {
                    long[] resident = new long[1];
                    pt.forEach(v.start >>> PageSize.PAGE_SHIFT, v.end >>> PageSize.PAGE_SHIFT, (vpn, pte) -> resident[0]++);
                    out.add(new VmaInfo(v.start, v.end, v.prot, v.shared, v.name(),
                            v.file == null ? 0 : v.pgoff << PageSize.PAGE_SHIFT, resident[0], v.hugetlb));
                }
            } finally {
                ptl.unlock();
            }
            return out;
        } finally {
            lock.readUnlock();
        }
    }

    /** Adds one to {@code expected[pfn]} for each frame a PTE of this address space maps. */
    void countMappings(long[] expected) {
        lock.readLock();
        try {
            ptl.lock();
            try {
                pt.forEach(0, TASK_SIZE >>> PageSize.PAGE_SHIFT, (vpn, pte) -> {
                    if (Pte.hasFrame(pte)) {
                        expected[(int) Pte.pfn(pte)]++;
                    }
                });
            } finally {
                ptl.unlock();
            }
        } finally {
            lock.readUnlock();
        }
    }

    /** Adds the files this address space maps to {@code files}. */
    void collectFiles(java.util.Set<FileObject> files) {
        lock.readLock();
        try {
            for (Vma v : vmas.values()) {
                if (v.file != null) {
                    files.add(v.file);
                }
            }
        } finally {
            lock.readUnlock();
        }
    }

    /** Returns the number of mappings, of mapped bytes and of resident pages. */
    long[] size() {
        lock.readLock();
        try {
            long bytes = 0;
            for (Vma v : vmas.values()) {
                bytes += v.end - v.start;
            }
            ptl.lock();
            try {
                return new long[] {vmas.size(), bytes, pt.entries()};
            } finally {
                ptl.unlock();
            }
        } finally {
            lock.readUnlock();
        }
    }

    /** Returns the page table's bytes (footprint reports). */
    long pageTableBytes() {
        ptl.lock();
        try {
            return pt.footprintBytes();
        } finally {
            ptl.unlock();
        }
    }
}
