package accelmm.core.mm;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;
import accelmm.core.mem.MemoryNode;
import accelmm.core.notifier.Subscriptions;

/**
 * The CPU page-fault policy of an address space ({@code handle_mm_fault}): what a miss or a write
 * to a read-only entry does, by kind of mapping.
 *
 * <ul>
 * <li>Private anonymous, read miss: map the shared zero page.
 * <li>Private anonymous, write miss: a zeroed frame; a whole free, aligned 2 MiB inside the
 *     mapping gets a huge page (512 contiguous frames) when the address space allows it.
 * <li>File or shmem miss: the file's page; a write to a private file mapping copies it.
 * <li>Write to a read-only entry: the zero page is replaced by a frame; in a shared mapping the
 *     entry becomes writable; in a private one the frame is reused if this entry is its only
 *     non-pin reference and it is not a file page, and copied otherwise (copy-on-write).
 * </ul>
 *
 * <p>Concurrency: every method runs with the mmap lock held (read or write) and the page-table
 * lock held; the device-fault handler drops the page-table lock while the device's owner migrates
 * the page back, so an entry read before {@link #fault} may have changed after it.
 */
final class Faults {
    private static final int HUGE_PAGES = 1 << MemoryNode.HUGE_ORDER;

    private final MemoryNode node;
    private final Counters counters;
    private final Subscriptions notifiers;
    private final DeviceFault deviceFault;
    private final HugetlbPool hugetlb;

    /** What a CPU access to a device-private entry does: migrate it back, or fail. */
    @FunctionalInterface
    interface DeviceFault {
        /** Handles an access to the device-private entry at {@code addr}; returns the new entry. */
        int handle(Vma v, long addr, boolean write);
    }

    Faults(MemoryNode node, Counters counters, Subscriptions notifiers, DeviceFault deviceFault, HugetlbPool hugetlb) {
        this.node = node;
        this.hugetlb = hugetlb;
        this.counters = counters;
        this.notifiers = notifiers;
        this.deviceFault = deviceFault;
    }

    /**
     * Makes the entry of {@code addr} usable for the access and returns it.
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM}; {@code EFAULT} beyond the end of a file
     */
    int fault(PageTable pt, Vma v, long addr, boolean write, ThpMode mode) {
        boolean thp = mode.allows(v);
        long vpn = addr >>> PageSize.PAGE_SHIFT;
        int pte = pt.get(vpn);
        if (Pte.isCoherent(pte)) {
            // The CPU uses a device-coherent page in place; a write it may not make (copy-on-write
            // after fork) needs the page in system memory first.
            return !write || Pte.writable(pte) ? pte : deviceFault.handle(v, addr, write);
        }
        if (Pte.present(pte)) {
            return !write || Pte.writable(pte) ? pte : writeProtected(pt, v, addr, pte);
        }
        if (Pte.isDevice(pte)) {
            return deviceFault.handle(v, addr, write);
        }
        if (Pte.isExclusive(pte)) {
            return fault(pt, v, addr, write, thp, restoreExclusive(pt, addr, pte));
        }
        return miss(pt, v, addr, write, thp);
    }

    private int fault(PageTable pt, Vma v, long addr, boolean write, boolean thp, int restored) {
        return !write || Pte.writable(restored) ? restored : writeProtected(pt, v, addr, restored);
    }

    /** A CPU access takes an exclusive page back from the device ({@code remove_device_exclusive_entry}). */
    int restoreExclusive(PageTable pt, long addr, int pte) {
        long page = addr & PageSize.PAGE_MASK;
        int restored = Pte.of(Pte.pfn(pte), Pte.writable(pte));
        notifiers.invalidateStart(new NotifierRange(page, page + PageSize.PAGE_SIZE, NotifierEvent.EXCLUSIVE, true, null));
        try {
            pt.set(page >>> PageSize.PAGE_SHIFT, restored);
        } finally {
            notifiers.invalidateEnd();
        }
        return restored;
    }

    private int miss(PageTable pt, Vma v, long addr, boolean write, boolean thp) {
        long vpn = addr >>> PageSize.PAGE_SHIFT;
        if (v.hugetlb) {
            hugetlbMiss(pt, v, addr);
            int pte = pt.get(vpn);
            return !write || Pte.writable(pte) ? pte : writeProtected(pt, v, addr, pte);
        }
        int pte;
        if (v.privateAnon()) {
            if (!write) {
                pte = Pte.zeroPage();
                counters.inc(Counter.FAULT_ZERO);
            } else if (thp && huge(pt, v, addr)) {
                return pt.get(vpn);
            } else {
                pte = Pte.of(node.allocFrame(), true);
                counters.inc(Counter.FAULT_ANON);
            }
        } else {
            long filePfn = v.file.page(v.filePage(addr));
            if (filePfn < 0) {
                throw Errno.EFAULT.exception(String.format("SIGBUS at 0x%x: beyond the end of %s", addr, v.name()));
            }
            if (v.shared || !write) {
                node.get(filePfn);
                pte = Pte.of(filePfn, v.shared && v.writable());
                counters.inc(Counter.FAULT_FILE);
            } else {
                pte = Pte.of(copyOf(filePfn), true);
                counters.inc(Counter.FAULT_COW);
            }
        }
        pt.set(vpn, pte);
        return pte;
    }

    /** Maps a huge page around {@code addr} if the aligned 2 MiB is inside the mapping and empty. */
    private boolean huge(PageTable pt, Vma v, long addr) {
        long base = addr & ~(PageSize.PMD_SIZE - 1);
        if (base < v.start || base + PageSize.PMD_SIZE > v.end) {
            return false;
        }
        long first = base >>> PageSize.PAGE_SHIFT;
        for (long vpn = first; vpn < first + HUGE_PAGES; vpn++) {
            if (pt.get(vpn) != 0) {
                return false;
            }
        }
        long head;
        try {
            head = node.allocHuge();
        } catch (accelmm.api.ErrnoException e) {
            return false;
        }
        for (int i = 0; i < HUGE_PAGES; i++) {
            pt.set(first + i, Pte.of(head + i, true));
        }
        counters.inc(Counter.FAULT_HUGE);
        return true;
    }

    /**
     * Maps the whole huge page around {@code addr} of a hugetlb mapping ({@code hugetlb_no_page}):
     * a page of the pool for private anonymous memory (from the mapping's reservation if it owns
     * one), else the file's huge page; read-only in a private file mapping, which copies on write.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} (SIGBUS) when the pool has no page or the
     *     address is past the end of the file
     */
    private void hugetlbMiss(PageTable pt, Vma v, long addr) {
        long base = addr & -PageSize.PMD_SIZE;
        long first = base >>> PageSize.PAGE_SHIFT;
        if (v.file == null) {
            long head;
            try {
                head = hugetlb.alloc(v.hugeResvOwner);
            } catch (accelmm.api.ErrnoException e) {
                throw Errno.EFAULT.exception(String.format("SIGBUS at 0x%x: %s", addr, e.getMessage()));
            }
            for (int i = 0; i < HUGE_PAGES; i++) {
                pt.set(first + i, Pte.of(head + i, v.writable()));
            }
        } else {
            long index = v.filePage(base);
            if (v.file.page(index) < 0) {
                throw Errno.EFAULT.exception(String.format("SIGBUS at 0x%x: beyond the end of %s", addr, v.name()));
            }
            boolean writable = v.shared && v.writable();
            for (int i = 0; i < HUGE_PAGES; i++) {
                if (pt.get(first + i) == 0) {
                    long pfn = v.file.page(index + i);
                    node.get(pfn);
                    pt.set(first + i, Pte.of(pfn, writable));
                }
            }
        }
        counters.inc(Counter.FAULT_HUGETLB);
    }

    /**
     * A write to a read-only entry of a private hugetlb mapping ({@code hugetlb_wp}): the huge page
     * is made writable if this mapping alone holds it, else copied whole into a page of the pool.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} (SIGBUS) when the pool has no page
     */
    private int hugetlbCopyOnWrite(PageTable pt, Vma v, long addr) {
        long base = addr & -PageSize.PMD_SIZE;
        long first = base >>> PageSize.PAGE_SHIFT;
        int[] old = new int[HUGE_PAGES];
        boolean sole = true;
        boolean filePages = v.file != null;
        for (int i = 0; i < HUGE_PAGES; i++) {
            old[i] = pt.get(first + i);
            if (!Pte.hasFrame(old[i])) {
                sole = false;
                continue;
            }
            long pfn = Pte.pfn(old[i]);
            boolean filePage = v.file != null && v.file.cached(v.filePage(base) + i) == pfn;
            filePages &= filePage;
            sole &= !filePage && node.refcount(pfn) - node.pincount(pfn) == 1;
        }
        if (sole) {
            for (int i = 0; i < HUGE_PAGES; i++) {
                pt.set(first + i, old[i] | Pte.WRITE);
            }
            counters.inc(Counter.FAULT_REUSE);
            return pt.get(addr >>> PageSize.PAGE_SHIFT);
        }
        // The first private copy of a file's page in a mapping that owns reservations uses one.
        long head;
        try {
            head = hugetlb.alloc(v.hugeResvOwner && filePages);
        } catch (accelmm.api.ErrnoException e) {
            throw Errno.EFAULT.exception(String.format("SIGBUS at 0x%x: copy-on-write found %s", addr, e.getMessage()));
        }
        for (int i = 0; i < HUGE_PAGES; i++) {
            if (Pte.hasFrame(old[i])) {
                node.copyNowFrom(node, Pte.pfn(old[i]), head + i);
            }
        }
        notifiers.invalidateStart(new NotifierRange(base, base + PageSize.PMD_SIZE, NotifierEvent.CLEAR, true, null));
        try {
            for (int i = 0; i < HUGE_PAGES; i++) {
                pt.set(first + i, Pte.of(head + i, true));
                if (Pte.hasFrame(old[i])) {
                    node.put(Pte.pfn(old[i]));
                }
            }
        } finally {
            notifiers.invalidateEnd();
        }
        counters.inc(Counter.FAULT_COW);
        counters.add(Counter.COW_COPY, HUGE_PAGES);
        return pt.get(addr >>> PageSize.PAGE_SHIFT);
    }

    private int writeProtected(PageTable pt, Vma v, long addr, int pte) {
        long vpn = addr >>> PageSize.PAGE_SHIFT;
        if (v.hugetlb && !v.shared) {
            return hugetlbCopyOnWrite(pt, v, addr);
        }
        if (v.shared) {
            counters.inc(Counter.FAULT_SHARED_WRITE);
            pt.set(vpn, pte | Pte.WRITE);
            return pte | Pte.WRITE;
        }
        long pfn = Pte.pfn(pte);
        if (!Pte.zero(pte)) {
            boolean filePage = v.file != null && v.file.cached(v.filePage(addr)) == pfn;
            if (!filePage && node.refcount(pfn) - node.pincount(pfn) == 1) {
                counters.inc(Counter.FAULT_REUSE);
                pt.set(vpn, pte | Pte.WRITE);
                return pte | Pte.WRITE;
            }
        }
        long page = addr & PageSize.PAGE_MASK;
        long replacement = Pte.zero(pte) ? node.allocFrame() : copyOf(pfn);
        try {
            notifiers.invalidateStart(new NotifierRange(page, page + PageSize.PAGE_SIZE, NotifierEvent.CLEAR, true, null));
        } catch (RuntimeException e) {
            node.put(replacement);
            throw e;
        }
        try {
            int updated = Pte.of(replacement, true);
            pt.set(vpn, updated);
            if (Pte.zero(pte)) {
                counters.inc(Counter.FAULT_ANON);
            } else {
                node.put(pfn);
                counters.inc(Counter.FAULT_COW);
            }
            return updated;
        } finally {
            notifiers.invalidateEnd();
        }
    }

    /** A new frame holding a copy of {@code pfn}, about to be written. */
    long copyOf(long pfn) {
        long copy = node.allocFrame();
        node.copyNowFrom(node, pfn, copy);
        counters.inc(Counter.COW_COPY);
        return copy;
    }

    /** Gives a zero-page entry a frame of its own (for pinning), keeping the mapping's access. */
    int unshareZero(PageTable pt, Vma v, long addr) {
        int pte = Pte.of(node.allocFrame(), v.writable());
        pt.set(addr >>> PageSize.PAGE_SHIFT, pte);
        counters.inc(Counter.FAULT_ANON);
        return pte;
    }
}
