package accelmm.core.mm;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import accelmm.api.Errno;
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
import accelmm.api.mm.SharedFile;
import accelmm.api.mm.VmaInfo;
import accelmm.api.notifier.IntervalNotifier;
import accelmm.api.notifier.IntervalNotifierOps;
import accelmm.api.notifier.NotifierInfo;
import accelmm.core.mem.MemoryNode;
import accelmm.core.notifier.Subscriptions;

/**
 * An address space: the lock, the VMAs, the CPU page table and the notifiers. The calls over them
 * live in classes named after the kernel's files: {@link Mmap}, {@link Unmap}, {@link Mprotect}
 * (with madvise), {@link Mremap}, {@link CpuAccess} and {@link Faults} (memory.c),
 * {@link HmmFault}, {@link Gup}, {@link Migration} and {@link Populate}, {@link Fork},
 * {@link DeviceEntries} (device pages in the page table) and {@link MmListing}.
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
    final MemoryNode node;
    final Shrinkers shrinkers;
    final Counters counters;
    final Faults faults;
    final ThpMode thp;
    boolean dead;

    final Pagemaps pagemaps;
    final HugetlbPool hugetlb;

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
        this.faults = new Faults(node, counters, notifiers, (v, addr, write) -> DeviceEntries.deviceFault(this, v, addr, write), hugetlb);
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

    Vma find(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        return e != null && addr < e.getValue().end ? e.getValue() : null;
    }

    /** The mapping at {@code addr}, which must exist ({@code ENOMEM} otherwise, as mprotect and madvise say). */
    Vma mapped(long addr) {
        Vma v = find(addr);
        if (v == null) {
            throw Errno.ENOMEM.exception(String.format("0x%x is not mapped", addr));
        }
        return v;
    }

    /** The page-aligned end of a non-empty range, which must lie in user space ({@code ENOMEM} otherwise). */
    static long rangeEnd(long addr, long length) {
        long end = addr + pageAlignUp(length);
        if (end <= addr || end > TASK_SIZE) {
            throw Errno.ENOMEM.exception("range beyond the address space");
        }
        return end;
    }

    void checkAlive() {
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

    // ---- the mapping calls, each in the class of its kernel file --------------------------------

    @Override
    public long mmap(long addr, long length, int prot, int flags) {
        if ((flags & MapFlags.ANONYMOUS) == 0) {
            throw Errno.EBADF.exception("a mapping without MAP_ANONYMOUS needs a file");
        }
        return Mmap.map(this, addr, length, prot, flags, null, 0, true);
    }

    @Override
    public long mmap(long addr, long length, int prot, int flags, SharedFile file, long offset) {
        return Mmap.mmap(this, addr, length, prot, flags, file, offset, true);
    }

    @Override
    public long mmap(long addr, long length, int prot, int flags, SharedFile file, long offset, boolean writeAccess) {
        return Mmap.mmap(this, addr, length, prot, flags, file, offset, writeAccess);
    }

    /** See {@link Mmap#findGap}. */
    long findGap(long len) {
        return Mmap.findGap(this, len);
    }

    @Override
    public void munmap(long addr, long length) {
        Unmap.munmap(this, addr, length);
    }

    /** See {@link Unmap#splitAt}. */
    void splitAt(long addr) {
        Unmap.splitAt(this, addr);
    }

    /** See {@link Unmap#unmapRange}. */
    void unmapRange(long start, long end) {
        Unmap.unmapRange(this, start, end);
    }

    /** See {@link Unmap#zap}. */
    void zap(long start, long end) {
        Unmap.zap(this, start, end);
    }

    @Override
    public void madvise(long addr, long length, int advice) {
        Mprotect.madvise(this, addr, length, advice);
    }

    @Override
    public void mprotect(long addr, long length, int prot) {
        Mprotect.mprotect(this, addr, length, prot);
    }

    @Override
    public void populate(long addr, long length, boolean write) {
        Populate.populate(this, addr, length, write);
    }

    @Override
    public long[] makeDeviceExclusive(long start, long end, Object owner) {
        return Populate.makeDeviceExclusive(this, start, end, owner);
    }

    @Override
    public void migrateVma(MigrateVma args, MigrateCopier copier) {
        Populate.migrateVma(this, args, copier);
    }

    @Override
    public VmaInfo vmaLookup(long addr) {
        return MmListing.vmaLookup(this, addr);
    }

    @Override
    public List<VmaInfo> vmas(long start, long end) {
        return MmListing.vmas(this, start, end);
    }

    @Override
    public List<VmaInfo> maps() {
        return MmListing.maps(this);
    }

    /** See {@link MmListing#countMappings}. */
    void countMappings(long[] expected) {
        MmListing.countMappings(this, expected);
    }

    /** See {@link MmListing#collectFiles}. */
    void collectFiles(java.util.Set<FileObject> files) {
        MmListing.collectFiles(this, files);
    }

    /** See {@link MmListing#size}. */
    long[] size() {
        return MmListing.size(this);
    }

    /** See {@link MmListing#pageTableBytes}. */
    long pageTableBytes() {
        return MmListing.pageTableBytes(this);
    }

    /** See {@link DeviceEntries#evictEntry}. */
    boolean evictEntry(Pagemaps.Pagemap pm, long pfn, long vpn, long copy, boolean filled) {
        return DeviceEntries.evictEntry(this, pm, pfn, vpn, copy, filled);
    }

    boolean overlaps(long start, long end) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(end);
        return e != null && e.getValue().end > start;
    }

    // ---- munmap -------------------------------------------------------------------------------

    // ---- madvise ------------------------------------------------------------------------------

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

    // ---- HMM ----------------------------------------------------------------------------------

    @Override
    public void hmmRangeFault(HmmRange r) {
        if (!notifiers.owns(r.notifier) || r.start < r.notifier.start() || r.end - 1 > r.notifier.last()) {
            throw Errno.EINVAL.exception("the range's notifier is not of this address space or does not cover it");
        }
        reclaiming(r.pfns.length, () -> HmmFault.run(this, r));
    }

    // ---- device-exclusive access --------------------------------------------------------------

    // ---- migration ----------------------------------------------------------------------------

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
        return DeviceEntries.deviceToRam(this, v, addr, write, true);
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
        Unmap.release(this, pte, vpn);
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
                    Unmap.unmapQuietly(this, 0, TASK_SIZE);
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

}
