package accelmm.core.mm;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.hmm.MigrateCopier;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;

/**
 * Faulting pages in on behalf of a caller: {@code MAP_POPULATE} and {@code populate}, device-exclusive entries ({@code make_device_exclusive}), and {@code migrate_vma_setup}'s checks around {@link Migration}.
 *
 * <p>Concurrency: as each method says; the mmap lock and the page-table lock are the address
 * space's ({@link Mm}).
 */
final class Populate {
    private static final long PAGE = accelmm.api.PageSize.PAGE_SIZE;

    private Populate() {
    }

    static void populate(Mm m, long addr, long length, boolean write) {
        if ((addr & (PAGE - 1)) != 0 || length < 0) {
            throw Errno.EINVAL.exception("unaligned address or negative length");
        }
        if (length == 0) {
            return;
        }
        long end = m.rangeEnd(addr, length);
        m.reclaiming(length / PAGE, () -> populateRange(m, addr, end, write));
    }

    /** Faults in every page of [addr, end), as {@link #populate} asks. */
    static void populateRange(Mm m, long addr, long end, boolean write) {
        m.lock.readLock();
        try {
            m.checkAlive();
            for (long a = addr; a < end;) {
                Vma v = m.mapped(a);
                if (write ? !v.writable() : !v.readable()) {
                    throw Errno.EFAULT.exception(String.format("0x%x does not allow %s", a, write ? "writes" : "reads"));
                }
                long stop = Math.min(end, v.end);
                m.ptl.lock();
                try {
                    for (; a < stop; a += PAGE) {
                        m.faults.fault(m.pt, v, a, write, m.thp);
                    }
                } finally {
                    m.ptl.unlock();
                }
            }
        } finally {
            m.lock.readUnlock();
        }
    }

    static long[] makeDeviceExclusive(Mm m, long start, long end, Object owner) {
        if ((start & (PAGE - 1)) != 0 || (end & (PAGE - 1)) != 0 || end <= start || end > Mm.TASK_SIZE) {
            throw Errno.EINVAL.exception("bad exclusive range");
        }
        int pages = (int) ((end - start) >>> PageSize.PAGE_SHIFT);
        long[] pfns = new long[pages];
        m.lock.readLock();
        try {
            m.checkAlive();
            for (long a = start; a < end; a += PAGE) {
                Vma v = m.find(a);
                if (v == null || !v.writable() || !v.privateAnon()) {
                    throw Errno.EFAULT.exception(String.format("0x%x is not private anonymous memory mapped writable", a));
                }
            }
            m.ptl.lock();
            try {
                // A device-private page in the range is migrated back with the page-table m.lock
                // dropped, so an earlier page may have changed meanwhile: fault until one pass finds
                // every entry present and writable under the m.lock.
                boolean settled;
                do {
                    for (long a = start; a < end; a += PAGE) {
                        if (Pte.isCoherent(m.faults.fault(m.pt, m.find(a), a, true, m.thp))) {
                            DeviceEntries.deviceToRam(m, m.find(a), a, true, true);
                        }
                    }
                    settled = true;
                    for (long vpn = start >>> PageSize.PAGE_SHIFT; vpn < end >>> PageSize.PAGE_SHIFT && settled; vpn++) {
                        int pte = m.pt.get(vpn);
                        settled = Pte.hasFrame(pte) && Pte.present(pte) && Pte.writable(pte);
                    }
                } while (!settled);
                m.notifiers.invalidateStart(new NotifierRange(start, end, NotifierEvent.EXCLUSIVE, true, owner));
                try {
                    for (int i = 0; i < pages; i++) {
                        long vpn = (start >>> PageSize.PAGE_SHIFT) + i;
                        int pte = m.pt.get(vpn);
                        pfns[i] = Pte.pfn(pte);
                        m.pt.set(vpn, Pte.exclusive(Pte.pfn(pte), Pte.writable(pte)));
                    }
                } finally {
                    m.notifiers.invalidateEnd();
                }
            } finally {
                m.ptl.unlock();
            }
            return pfns;
        } finally {
            m.lock.readUnlock();
        }
    }

    static void migrateVma(Mm m, MigrateVma args, MigrateCopier copier) {
        m.lock.readLock();
        try {
            if (m.dead) {
                throw Errno.EFAULT.exception("the address space has exited");
            }
            Vma v = m.find(args.start);
            if (v == null || args.end > v.end) {
                throw Errno.EINVAL.exception(String.format("[0x%x, 0x%x) is not inside one mapping", args.start, args.end));
            }
            if (v.hugetlb) {
                throw Errno.EINVAL.exception(String.format("hugetlb pages at 0x%x do not migrate to a device", args.start));
            }
            m.ptl.lock();
            try {
                m.notifiers.invalidateStart(new NotifierRange(args.start, args.end, NotifierEvent.MIGRATE, true, args.pgmapOwner));
                try {
                    Migration.run(m, v, args, copier);
                } finally {
                    m.notifiers.invalidateEnd();
                }
            } finally {
                m.ptl.unlock();
            }
        } finally {
            m.lock.readUnlock();
        }
    }
}
