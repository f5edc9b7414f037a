package accelmm.core.mm;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.PageSize;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;

/**
 * {@code fork}'s copy of an address space ({@code dup_mmap} in {@code kernel/fork.c}, with
 * {@code copy_page_range}): every mapping into the child, shared mappings sharing their frames,
 * private frames copy-on-write in both, device pages shared read-only, device-exclusive entries
 * taken back first, and pinned anonymous frames copied for the child at once.
 *
 * <p>Concurrency: the parent's mmap lock (write) and page-table lock; the child is not yet visible.
 */
final class Fork {
    private Fork() {
    }

    /**
     * Copies this address space into {@code child} ({@code dup_mmap}): shared mappings share their
     * frames; private frames become copy-on-write in both, except pinned anonymous frames, which the
     * child gets a copy of at once (the parent's pin must keep pointing at the parent's page).
     */
    static void copy(Mm parent, Mm child) {
        parent.lock.writeLock();
        try {
            parent.requireAlive();
            parent.ptl.lock();
            try {
                for (Vma v : parent.vmas.values()) {
                    Vma c = v.slice(v.start, v.end);
                    c.hugeResvOwner = false;
                    if (c.file != null) {
                        c.file.addMapping();
                    }
                    child.vmas.put(c.start, c);
                    List<long[]> ptes = new ArrayList<>();
                    parent.pt.forEach(v.start >>> PageSize.PAGE_SHIFT, v.end >>> PageSize.PAGE_SHIFT,
                            (vpn, pte) -> ptes.add(new long[] {vpn, pte}));
                    boolean protect = !v.shared && !ptes.isEmpty();
                    if (protect) {
                        parent.notifiers.invalidateStart(new NotifierRange(v.start, v.end, NotifierEvent.PROTECTION_PAGE, true, null));
                    }
                    try {
                        copyPtes(parent, v, ptes, child);
                    } finally {
                        if (protect) {
                            parent.notifiers.invalidateEnd();
                        }
                    }
                }
            } finally {
                parent.ptl.unlock();
            }
            parent.counters().inc(Counter.FORK);
        } catch (RuntimeException e) {
            child.exit(1);
            throw e;
        } finally {
            parent.lock.writeUnlock();
        }
    }

    /** Copies one mapping's PTEs into the child; see {@link #copy}. Holds the parent's page-table lock. */
    private static void copyPtes(Mm parent, Vma v, List<long[]> ptes, Mm child) {
        for (long[] e : ptes) {
            long vpn = e[0];
            int pte = (int) e[1];
            if (Pte.isDevice(pte)) {
                Pagemaps.Pagemap pm = parent.pagemaps().get(Pte.deviceSlot(pte));
                pm.node.get(pm.pfnOf(pte));
                pm.mapped(pm.pfnOf(pte), child, vpn);
                parent.pt.set(vpn, Pte.readOnly(pte));
                child.pt.set(vpn, Pte.readOnly(pte));
                continue;
            }
            if (Pte.isExclusive(pte)) {
                pte = parent.faults().restoreExclusive(parent.pt, vpn << PageSize.PAGE_SHIFT, pte);
            }
            if (!Pte.hasFrame(pte)) {
                child.pt.set(vpn, pte);
                continue;
            }
            long pfn = Pte.pfn(pte);
            boolean filePage = v.file != null && v.file.cached(v.filePage(vpn << PageSize.PAGE_SHIFT)) == pfn;
            if (v.shared) {
                parent.hostNode().get(pfn);
                child.pt.set(vpn, pte);
            } else if (parent.hostNode().pincount(pfn) > 0 && !filePage) {
                child.pt.set(vpn, Pte.of(parent.faults().copyOf(pfn), Pte.writable(pte)));
            } else {
                parent.hostNode().get(pfn);
                parent.pt.set(vpn, Pte.readOnly(pte));
                child.pt.set(vpn, Pte.readOnly(pte));
            }
        }
    }
}
