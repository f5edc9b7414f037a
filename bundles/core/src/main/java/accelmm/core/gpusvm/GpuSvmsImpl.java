package accelmm.core.gpusvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.gpusvm.GpuSvm;
import accelmm.api.gpusvm.GpuSvms;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.VmaInfo;
import accelmm.api.mmu.IoPgtable;

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

    @Override
    public boolean evictLeastRecentlyUsed(GpuSvm self, long keepStart) {
        RangeImpl victim;
        long[] pfns;
        dev.lock().lock();
        try {
            victim = lru.victim(self instanceof GpuSvmImpl s ? s : null, keepStart);
            if (victim == null) {
                return false;
            }
            pfns = victim.svm.takeDevicePages(victim);
        } finally {
            dev.lock().unlock();
        }
        victim.svm.evictPages(pfns);
        return true;
    }

    @Override
    public boolean migrateToRam(AddressSpace mm, long addr) {
        long start = addr & ~(PageSize.PAGE_SIZE - 1);
        long end = start + PageSize.PAGE_SIZE;
        dev.lock().lock();
        try {
            for (GpuSvmImpl svm : List.copyOf(all.values())) {
                RangeImpl r = svm.devmemRangeAt(addr);
                if (r != null) {
                    start = r.start;
                    end = r.end;
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
