package accelmm.core.gpusvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.cost.CostCategory;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.gpusvm.GpuSvm;
import accelmm.api.gpusvm.GpuSvms;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.VmaInfo;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.policy.PolicyKind;
import accelmm.api.policy.PolicySet;

/**
 * A device's GPU SVMs: their registry, the LRU of their ranges in device memory, eviction, and
 * CPU faults on device pages.
 *
 * <p>Concurrency: the registry is a concurrent map; the LRU and the ranges are guarded by the
 * device lock.
 */
public final class GpuSvmsImpl implements GpuSvms {
    final DeviceContext dev;
    final CoreNotifiers notifiers;
    final SvmLru lru = new SvmLru();
    final PrefetchRequestImpl prefetch = new PrefetchRequestImpl();
    private final SvmCandidates candidates = new SvmCandidates();
    private final Map<Integer, GpuSvmImpl> all = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** The GPU SVMs of {@code dev}, whose notifiers {@code notifiers} inserts. */
    public GpuSvmsImpl(DeviceContext dev, CoreNotifiers notifiers) {
        this.dev = dev;
        this.notifiers = notifiers;
    }

    @Override
    public GpuSvm create(DeviceFile file, IoPgtable pgtable, long notifierSize, long[] chunkSizes, String prefix) {
        if (chunkSizes == null || chunkSizes.length == 0) {
            throw Errno.EINVAL.exception("a GPU SVM needs at least one chunk size");
        }
        if (Long.bitCount(notifierSize) != 1 || notifierSize < PageSize.PAGE_SIZE) {
            throw Errno.EINVAL.exception("notifier size " + notifierSize + " is not a power of two of at least 4 KiB");
        }
        long last = notifierSize * 2;
        for (long c : chunkSizes) {
            if (Long.bitCount(c) != 1 || c < PageSize.PAGE_SIZE || c >= last || c > notifierSize) {
                throw Errno.EINVAL.exception("chunk sizes must be decreasing powers of two from 4 KiB to the notifier size: "
                        + java.util.Arrays.toString(chunkSizes));
            }
            last = c;
        }
        GpuSvmImpl svm = new GpuSvmImpl(ids.incrementAndGet(), this, file, pgtable, notifierSize, chunkSizes, prefix);
        all.put(svm.id(), svm);
        return svm;
    }

    @Override
    public GpuSvm find(int id) {
        return all.get(id);
    }

    void forget(GpuSvmImpl svm) {
        all.remove(svm.id(), svm);
    }

    /**
     * Evicts the range the device's eviction policy chooses among those in device memory (the
     * least recently used one under the default), other than the one at {@code keepStart} of
     * {@code self} and those a fault is moving; its copies are charged to {@code self}'s process.
     */
    @Override
    public boolean evictLeastRecentlyUsed(GpuSvm self, long keepStart) {
        GpuSvmImpl me = self instanceof GpuSvmImpl s ? s : null;
        PolicySet policies = dev.policies().current();
        RangeImpl victim;
        long[] pfns;
        dev.lock().lock();
        try {
            if (policies.isDefault(PolicyKind.EVICTION)) {
                victim = lru.victim(me, keepStart);
            } else {
                victim = candidates.choose(lru, me, keepStart, policies);
                if (victim == null && candidates.size() > 0) {
                    dev.count("policy.bad_victim", 1);
                    victim = candidates.range(0);
                }
            }
            if (victim == null) {
                return false;
            }
            candidates.chosen();
            dev.count("policy.victims", 1);
            pfns = victim.svm.takeDevicePages(victim);
        } finally {
            dev.lock().unlock();
        }
        victim.svm.evictPages(pfns, me != null ? me.pid() : victim.svm.pid());
        return true;
    }

    @Override
    public boolean migrateToRam(AddressSpace mm, long addr) {
        long start = addr & ~(PageSize.PAGE_SIZE - 1);
        long end = start + PageSize.PAGE_SIZE;
        int payer = 0;
        dev.lock().lock();
        try {
            for (GpuSvmImpl svm : List.copyOf(all.values())) {
                RangeImpl r = svm.devmemRangeAt(addr);
                if (r != null) {
                    start = r.start;
                    end = r.end;
                    payer = svm.pid();
                    r.policy.moved(dev.cost().nowNanos());
                    break;
                }
            }
        } finally {
            dev.lock().unlock();
        }
        // As drm_gpusvm_migrate_to_ram: the range clamped to the VMA of the address (an mprotect or
        // a partial munmap may have split the VMA the range was made in).
        VmaInfo v = mm.vmaLookup(addr);
        if (v != null) {
            start = Math.max(start, v.start());
            end = Math.min(end, v.end());
        }
        MigrateVma args = new MigrateVma(start, end, MigrateVma.SELECT_DEVICE_PRIVATE, dev);
        mm.migrateVma(args, a -> {
            for (int i = 0; i < a.pages(); i++) {
                if (MigratePfn.migrate(a.src[i])) {
                    a.dst[i] = dev.memoryManager().allocHostPage();
                    dev.memoryManager().copyPage(a.src[i], a.dst[i]);
                }
            }
        });
        if (args.cpages > 0) {
            dev.cost().fault(payer);
            dev.cost().transfer(payer, CostCategory.TO_HOST, args.cpages * PageSize.PAGE_SIZE);
            dev.count("move.bytes_to_host", args.cpages * PageSize.PAGE_SIZE);
        }
        return args.cpages > 0;
    }

    /**
     * Destroys the GPU SVMs of a file being released that its driver left.
     *
     * <p>Context: the file's release, without the device lock.
     */
    public void release(DeviceFile file) {
        List<GpuSvmImpl> left = new ArrayList<>();
        for (GpuSvmImpl s : all.values()) {
            if (s.file() == file) {
                left.add(s);
            }
        }
        left.forEach(GpuSvmImpl::destroy);
    }
}
