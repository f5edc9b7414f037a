package accelmm.core.gpusvm;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.cost.CostCategory;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.gpusvm.GpuSvmPolicy;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.VmaInfo;

/**
 * A GPU SVM's pages moving between system and device memory: a whole range to device memory
 * ({@code drm_gpusvm_migrate_to_devmem}), a range forced back to RAM ({@code drm_gpusvm_range_evict})
 * and device frames evicted without the mmap lock (device memory pressure).
 *
 * <p>Concurrency: none of these holds the device lock: they take the address space's locks.
 */
final class SvmMigration {
    private static final long PAGE = GpuSvmImpl.PAGE;

    private SvmMigration() {
    }

    /**
     * Evicts device frames to system memory without the mmap lock; every mapping of them is
     * invalidated, so this runs without the device lock.
     */
    static void evictPages(GpuSvmImpl svm, long[] pfns, int payer) {
        DeviceContext dev = svm.dev();
        dev.cost().transfer(payer, CostCategory.EVICTION, pfns.length * PAGE);
        dev.count("move.bytes_to_host", pfns.length * PAGE);
        accelmm.api.hmm.DevicePagemap pagemap = dev.devicePagemap();
        for (int i = 0; i < pfns.length; ) {
            int run = 1;
            while (i + run < pfns.length && pfns[i + run] == pfns[i] + run) {
                run++;
            }
            pagemap.evict(pfns[i], run);
            i += run;
        }
        svm.count("evict", 1);
    }

    /** {@code drm_gpusvm_range_evict}: a CPU-side fault with no device owner forces the range to RAM. */
    static void evictToRam(AddressSpace mm, DeviceNotifier n, long start, long end) {
        HmmRange ram = new HmmRange(n, start, end);
        ram.defaultFlags = HmmPfn.REQ_FAULT;
        ram.devPrivateOwner = null;
        HmmRetry.fault(mm, ram);
    }

    /** Migrates a whole range to device memory, making room through the policy when it is full. */
    static void toDevmem(GpuSvmImpl svm, RangeImpl r, GpuSvmPolicy policy) {
        DeviceContext dev = svm.dev();
        AddressSpace mm = svm.mm();
        int pages = (int) ((r.end - r.start) / PAGE);
        while (dev.memory().info().size() - dev.memory().info().used() < pages * PAGE) {
            if (!policy.makeRoom(svm, r.start)) {
                return;
            }
        }
        dev.devicePagemap();
        accelmm.api.hmm.MigrateVma args = new accelmm.api.hmm.MigrateVma(r.start, r.end,
                accelmm.api.hmm.MigrateVma.SELECT_SYSTEM, dev);
        VmaInfo vma = mm.vmaLookup(r.start);
        if (vma == null || vma.start() > r.start || vma.end() < r.end) {
            // The VMA was split since the range was made (mprotect, a partial munmap): the fault
            // goes on in system memory.
            svm.count("migrate_fallback", 1);
            return;
        }
        int[] copied = {0};
        try {
            mm.migrateVma(args, a -> {
                for (int i = 0; i < a.pages(); i++) {
                    if (!accelmm.api.hmm.MigratePfn.migrate(a.src[i])) {
                        return;
                    }
                }
                for (int i = 0; i < a.pages(); i++) {
                    a.dst[i] = dev.memoryManager().allocDevicePage(dev.memory());
                    if (accelmm.api.hmm.MigratePfn.valid(a.src[i])) {
                        dev.memoryManager().copyPage(a.src[i], a.dst[i]);
                        copied[0]++;
                    }
                }
            });
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOMEM) {
                throw e;
            }
            // Another range took the device memory first (the migration gave back what it had):
            // the fault goes on in system memory.
            svm.count("migrate_fallback", 1);
            return;
        }
        if (args.cpages == pages) {
            svm.count("migrate_to_vram", 1);
            svm.count("migrate_bytes", r.end - r.start);
            dev.cost().transfer(svm.pid(), CostCategory.TO_DEVICE, copied[0] * PAGE);
            dev.count("move.bytes_to_device", copied[0] * PAGE);
            dev.lock().lock();
            try {
                r.policy.moved(dev.cost().nowNanos());
            } finally {
                dev.lock().unlock();
            }
        }
    }
}
