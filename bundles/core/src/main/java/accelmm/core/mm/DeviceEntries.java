package accelmm.core.mm;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;

/**
 * Device pages in the CPU page table: eviction to a host frame, and CPU faults that bring a device page back through its owner (the device-private path of {@code do_swap_page}).
 *
 * <p>Concurrency: as each method says; the mmap lock and the page-table lock are the address
 * space's ({@link Mm}).
 */
final class DeviceEntries {
    private static final long PAGE = accelmm.api.PageSize.PAGE_SIZE;

    private DeviceEntries() {
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
    static boolean evictEntry(Mm m, Pagemaps.Pagemap pm, long pfn, long vpn, long copy, boolean filled) {
        m.ptl.lock();
        try {
            int pte = m.pt.get(vpn);
            if (!Pte.isDevice(pte) || m.pagemaps.get(Pte.deviceSlot(pte)) != pm || pm.pfnOf(pte) != pfn) {
                return false;
            }
            long addr = vpn << PageSize.PAGE_SHIFT;
            m.notifiers.invalidateStart(new NotifierRange(addr, addr + PAGE, NotifierEvent.MIGRATE, true, pm.owner));
            try {
                if (!filled) {
                    // Copied only now: the invalidation has zapped every device mapping of the
                    // page, so no device write can land on it after the copy.
                    m.node.copyFrom(pm.node, pfn, copy);
                }
                m.node.get(copy);
                m.pt.set(vpn, Pte.of(copy, Pte.writable(pte)));
                pm.unmapped(pfn, m, vpn);
                m.counters.inc(Counter.MIGRATE_PAGES);
                m.counters.add(Counter.MIGRATE_BYTES, PAGE);
            } finally {
                m.notifiers.invalidateEnd();
            }
            return true;
        } finally {
            m.ptl.unlock();
        }
    }

    /**
     * A CPU access to a device-private page: the owner migrates it back, or the access fails. A
     * page that another thread migrated back meanwhile (its owner then finds nothing to move) is
     * simply faulted in; one that went back to the device meanwhile is migrated again.
     */
    static int deviceFault(Mm m, Vma v, long addr, boolean write) {
        return deviceToRam(m, v, addr, write, false);
    }

    /**
     * Brings a device page back to system memory through its owner: a device-private page always;
     * a device-coherent one for a write it may not make, or always with {@code pinning} (a pin or a
     * device-exclusive entry needs a page in system memory, as {@code folio_is_longterm_pinnable}
     * says no to device-coherent pages). Under the mmap lock and the page-table lock.
     */
    static int deviceToRam(Mm m, Vma v, long addr, boolean write, boolean pinning) {
        long page = addr & PageSize.PAGE_MASK;
        long vpn = page >>> PageSize.PAGE_SHIFT;
        m.counters.inc(Counter.FAULT_DEVICE);
        while (Pte.isDevice(m.pt.get(vpn))
                && (!Pte.isCoherent(m.pt.get(vpn)) || pinning || write && !Pte.writable(m.pt.get(vpn)))) {
            Pagemaps.Pagemap pm = m.pagemaps.get(Pte.deviceSlot(m.pt.get(vpn)));
            // As do_swap_page: the owner's migrate_to_ram runs without the page-table m.lock (it takes
            // its own locks and migrates, which takes the page-table lock again); the mmap lock stays.
            int holds = m.ptl.getHoldCount();
            for (int i = 0; i < holds; i++) {
                m.ptl.unlock();
            }
            boolean ok;
            try {
                ok = pm.ops.migrateToRam(m, page);
            } finally {
                for (int i = 0; i < holds; i++) {
                    m.ptl.lock();
                }
            }
            if (!ok && Pte.isDevice(m.pt.get(vpn)) && (!Pte.isCoherent(m.pt.get(vpn)) || pinning || write)) {
                throw Errno.EFAULT.exception(String.format("SIGBUS: the device page at 0x%x did not migrate back", page));
            }
        }
        return m.faults.fault(m.pt, v, addr, write, m.thp);
    }
}
