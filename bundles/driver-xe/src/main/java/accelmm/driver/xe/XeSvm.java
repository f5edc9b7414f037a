package accelmm.driver.xe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.Prot;
import accelmm.api.mm.VmaInfo;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.api.uapi.xe.Xe;

/**
 * The GPU fault handler with {@code drm_gpusvm} semantics: garbage-collect, find or insert the range
 * (chunk sizes 2M/64K/4K fitted to the VMA, the notifier window, the mirror bind and the existing
 * ranges), migrate to VRAM when advised (anonymous memory only, the whole range or nothing), get
 * the pages through the retry protocol (mixed device and system pages: evict, then retry), and bind
 * under the lock only if no invalidation ran meanwhile.
 *
 * <p>Concurrency: the device lock is held only to read and change ranges and page tables, never
 * across a VMA lookup, a notifier insertion or removal, a CPU fault, a migration or an eviction
 * (those take the address space's locks, which invalidations hold when they take the device lock).
 */
final class XeSvm {
    static final long PAGE = PageSize.PAGE_SIZE;

    /** A GPU fault that cannot be resolved. */
    static final class Fatal extends RuntimeException {
        final Errno errno;

        Fatal(Errno errno, String message) {
            super(message, null, false, false);
            this.errno = errno;
        }
    }

    private final DeviceFile file;
    private final DeviceContext dev;
    private final XeVm vm;
    private final ReentrantLock lock;
    private final AddressSpace mm;

    XeSvm(DeviceFile file, XeVm vm, ReentrantLock lock) {
        this.file = file;
        this.dev = file.device();
        this.vm = vm;
        this.lock = lock;
        this.mm = file.process().mm();
    }

    /**
     * Resolves a GPU fault at {@code addr}; returns normally when the page at {@code addr} is bound.
     * An invalidation that races the fault makes it start over, as often as it happens: the racing
     * thread makes progress, and so does this one once it stops.
     *
     * @throws Fatal for an address the GPU may not reach (the exec ends with its errno), and
     *     {@code EFAULT} when a fault would map nothing at the address
     */
    void fault(long addr, boolean write) {
        while (true) {
            VmaInfo vma = mm.vmaLookup(addr);
            long win = window(addr);
            ensureNotifier(win);
            List<DeviceNotifier> drop = new ArrayList<>();
            List<long[]> evict = new ArrayList<>();
            long[] r;
            lock.lock();
            try {
                collectGarbage(drop, evict);
                r = findOrInsert(addr, write, vma);
            } finally {
                lock.unlock();
            }
            drop.forEach(DeviceNotifier::remove);
            evict.forEach(pfns -> evictPages(dev, pfns));
            if (r == null) {
                continue;
            }
            long start = r[XeVm.R_START];
            boolean userptr = (r[XeVm.R_FLAGS] & XeVm.USERPTR) != 0;
            if (!userptr && vm.location(start) == Xe.LOC_VRAM && (r[XeVm.R_FLAGS] & XeVm.DEVMEM) == 0 && anonymous(start)) {
                migrateToVram(start, r[XeVm.R_END]);
            }
            DeviceNotifier n = vm.notifiers().get(win);
            if (n == null) {
                continue;
            }
            HmmRange range = new HmmRange(n, start, r[XeVm.R_END]);
            boolean writable = (r[XeVm.R_FLAGS] & XeVm.WRITABLE) != 0;
            range.defaultFlags = HmmPfn.REQ_FAULT | (writable ? HmmPfn.REQ_WRITE : 0);
            range.devPrivateOwner = userptr ? null : dev;
            try {
                HmmRetry.fault(mm, range);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EBUSY || e.errno() == Errno.EFAULT || e.errno() == Errno.EPERM) {
                    throw new Fatal(e.errno(), e.getMessage());
                }
                throw e;
            }
            int vram = dev.memory() == null ? -1 : dev.memory().id();
            int onDevice = 0;
            for (long e : range.pfns) {
                onDevice += HmmPfn.node(e) == vram ? 1 : 0;
            }
            if (onDevice != 0 && onDevice != range.pfns.length) {
                dev.count("xe.mixed_evict", 1);
                evictRange(start, r[XeVm.R_END]);
                continue;
            }
            lock.lock();
            try {
                long[] now = vm.ranges().get(start);
                if (now == null || (now[XeVm.R_FLAGS] & XeVm.UNMAPPED) != 0 || n.readRetry(range.notifierSeq)) {
                    dev.count("xe.retry", 1);
                    continue;
                }
                bind(now, range.pfns, writable, onDevice > 0);
                if (vm.pgtable().iovaToPhys(addr & ~(PAGE - 1)) == 0) {
                    throw new Fatal(Errno.EFAULT, "the fault at 0x" + Long.toHexString(addr) + " maps nothing");
                }
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Inserts the notifier of window {@code win} unless it exists: outside the device lock, as
     * {@code mmu_interval_notifier_insert} may take the mmap lock. A notifier inserted twice by
     * racing faults is removed again.
     */
    private void ensureNotifier(long win) {
        if (vm.notifiers().containsKey(win)) {
            return;
        }
        long cookie = ((long) vm.id << 32) | (win >>> 29);
        DeviceNotifier made = dev.insertNotifier(file, mm, win, Xe.NOTIFIER_SIZE, cookie);
        boolean raced;
        lock.lock();
        try {
            raced = vm.notifiers().putIfAbsent(win, made) != null;
        } finally {
            lock.unlock();
        }
        if (raced) {
            made.remove();
        }
    }

    static long window(long addr) {
        return addr & ~(Xe.NOTIFIER_SIZE - 1);
    }


    private boolean anonymous(long addr) {
        VmaInfo v = mm.vmaLookup(addr);
        return v != null && !v.shared() && !v.hugetlb() && "[anon]".equals(v.name());
    }

    /**
     * {@code drm_gpusvm_range_find_or_insert}, under the device lock, with the VMA looked up before
     * it; null when the window's notifier went meanwhile (the fault starts over).
     */
    private long[] findOrInsert(long addr, boolean write, VmaInfo vma) {
        long[] mirror = vm.mirrorAt(addr);
        if (mirror == null) {
            throw new Fatal(Errno.EINVAL, "0x" + Long.toHexString(addr) + " is outside every mirror and userptr bind");
        }
        if (vma == null) {
            throw new Fatal(Errno.ENOENT, "no VMA at 0x" + Long.toHexString(addr));
        }
        boolean writable = (vma.prot() & Prot.WRITE) != 0;
        if (write && !writable) {
            throw new Fatal(Errno.EPERM, "a GPU write to read-only memory at 0x" + Long.toHexString(addr));
        }
        long[] existing = vm.rangeAt(addr);
        if (existing != null) {
            XeLru.touch(dev, vm, existing);
            return existing;
        }
        long win = window(addr);
        for (long chunk : Xe.CHUNK_SIZES) {
            long s = addr & ~(chunk - 1);
            long e = s + chunk;
            if (s >= vma.start() && e <= vma.end() && s >= win && e <= win + Xe.NOTIFIER_SIZE && s >= mirror[0]
                    && e <= mirror[1] && !vm.overlaps(s, e)) {
                if (!vm.notifiers().containsKey(win)) {
                    return null;
                }
                long[] r = {s, e, (writable ? XeVm.WRITABLE : 0) | (mirror[2] != 0 ? XeVm.USERPTR : 0), XeLru.tick(dev)};
                vm.putRange(s, r);
                dev.count("xe.range", 1);
                return r;
            }
        }
        throw new Fatal(Errno.EINVAL, "no chunk fits at 0x" + Long.toHexString(addr));
    }

    /** Binds a range's pages in the GPU page table; records them for eviction. */
    private void bind(long[] r, long[] entries, boolean writable, boolean devmem) {
        long start = r[XeVm.R_START];
        zap(vm, r);
        int prot = IommuProt.READ | (writable ? IommuProt.WRITE : 0);
        for (int i = 0; i < entries.length; i++) {
            long e = entries[i];
            vm.pgtable().mapPages(start + i * PAGE, HmmPfn.physAddr(e), PAGE, 1,
                    HmmPfn.writable(e) ? prot : IommuProt.READ);
        }
        long[] next = Arrays.copyOf(r, XeVm.R_PFNS + entries.length);
        System.arraycopy(entries, 0, next, XeVm.R_PFNS, entries.length);
        next[XeVm.R_FLAGS] = (r[XeVm.R_FLAGS] & ~XeVm.DEVMEM) | XeVm.MAPPED | (devmem ? XeVm.DEVMEM : 0);
        vm.putRange(start, next);
        XeLru.placed(dev, vm, next);
        dev.count("xe.bind", 1);
    }

    /** Removes a range's GPU mappings. */
    static void zap(XeVm vm, long[] r) {
        if ((r[XeVm.R_FLAGS] & XeVm.MAPPED) != 0) {
            IotlbGather gather = new IotlbGather();
            // unmap_pages stops at a page that is not mapped: go on after it.
            for (long a = r[XeVm.R_START]; a < r[XeVm.R_END]; a += PAGE) {
                a += vm.pgtable().unmapPages(a, PAGE, (r[XeVm.R_END] - a) / PAGE, gather);
            }
            r[XeVm.R_FLAGS] &= ~XeVm.MAPPED;
        }
    }

    /**
     * Removes unmapped ranges; hands back the notifiers of windows left empty and the device pages
     * to evict, both to be dealt with after the device lock is dropped. Under the device lock.
     */
    void collectGarbage(List<DeviceNotifier> drop, List<long[]> evict) {
        for (long start : vm.gc()) {
            long[] r = vm.removeRange(start);
            if (r == null) {
                continue;
            }
            zap(vm, r);
            if ((r[XeVm.R_FLAGS] & XeVm.DEVMEM) != 0) {
                evict.add(takeDevicePages(dev, r));
            }
            long win = window(start);
            Map.Entry<Long, long[]> next = vm.ranges().ceilingEntry(win);
            if (next == null || next.getKey() >= win + Xe.NOTIFIER_SIZE) {
                DeviceNotifier n = vm.notifiers().remove(win);
                if (n != null) {
                    drop.add(n);
                }
            }
            dev.count("xe.gc", 1);
        }
        vm.gc().clear();
    }

    /**
     * Returns the device frames of a range in VRAM and marks it as no longer there, for
     * {@link #evictPages}. Under the device lock.
     */
    static long[] takeDevicePages(DeviceContext dev, long[] r) {
        int vram = dev.memory().id();
        long[] pfns = new long[r.length - XeVm.R_PFNS];
        int n = 0;
        for (int i = XeVm.R_PFNS; i < r.length; i++) {
            if (HmmPfn.node(r[i]) == vram) {
                pfns[n++] = HmmPfn.pfn(r[i]);
            }
        }
        r[XeVm.R_FLAGS] &= ~XeVm.DEVMEM;
        XeLru.forget(dev, r);
        return Arrays.copyOf(pfns, n);
    }

    /**
     * Evicts device frames to system memory without the mmap lock; every mapping of them is
     * invalidated, so this runs without the device lock.
     */
    static void evictPages(DeviceContext dev, long[] pfns) {
        accelmm.api.hmm.DevicePagemap pagemap = dev.devicePagemap();
        for (int i = 0; i < pfns.length; ) {
            int run = 1;
            while (i + run < pfns.length && pfns[i + run] == pfns[i] + run) {
                run++;
            }
            pagemap.evict(pfns[i], run);
            i += run;
        }
        dev.count("xe.evict", 1);
    }

    /** Forces a range back to system memory: a CPU-side fault with no device owner. */
    private void evictRange(long start, long end) {
        HmmRange ram = new HmmRange(vm.notifiers().get(window(start)), start, end);
        ram.defaultFlags = HmmPfn.REQ_FAULT;
        ram.devPrivateOwner = null;
        HmmRetry.fault(mm, ram);
    }

    /** Migrates a whole range to VRAM, evicting the least recently used ranges when VRAM is full. */
    private void migrateToVram(long start, long end) {
        int pages = (int) ((end - start) / PAGE);
        long free = dev.memory().info().size() - dev.memory().info().used();
        while (free < pages * PAGE) {
            if (!XeDriver.evictLeastRecentlyUsed(dev, vm, start)) {
                return;
            }
            free = dev.memory().info().size() - dev.memory().info().used();
        }
        dev.devicePagemap();
        MigrateVma args = new MigrateVma(start, end, MigrateVma.SELECT_SYSTEM, dev);
        VmaInfo vma = mm.vmaLookup(start);
        if (vma == null || vma.start() > start || vma.end() < end) {
            // The VMA was split since the range was made (mprotect, a partial munmap): as Xe, the
            // fault goes on in system memory.
            dev.count("xe.migrate_fallback", 1);
            return;
        }
        try {
            mm.migrateVma(args, a -> {
                for (int i = 0; i < a.pages(); i++) {
                    if (!MigratePfn.migrate(a.src[i])) {
                        return;
                    }
                }
                for (int i = 0; i < a.pages(); i++) {
                    a.dst[i] = dev.memoryManager().allocDevicePage(dev.memory());
                    if (MigratePfn.valid(a.src[i])) {
                        dev.memoryManager().copyPage(a.src[i], a.dst[i]);
                    }
                }
            });
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOMEM) {
                throw e;
            }
            // Another range took the VRAM first (the migration gave back what it had): as Xe when
            // the VRAM allocation fails, the fault goes on in system memory.
            dev.count("xe.migrate_fallback", 1);
            return;
        }
        if (args.cpages == pages) {
            dev.count("xe.migrate_to_vram", 1);
            dev.count("xe.migrate_bytes", end - start);
        }
    }
}
