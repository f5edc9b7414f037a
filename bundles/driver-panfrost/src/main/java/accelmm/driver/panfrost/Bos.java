package accelmm.driver.panfrost;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.idr.Idr;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.uapi.panfrost.Panfrost;

/**
 * The Panfrost state the core keeps across driver updates: buffer objects by handle (each a map of
 * plain values and core objects), the shrinker list, the device lock, and each file's GPU address
 * space (page table and VA allocator).
 *
 * <p>A BO holds: {@code file} (Long), {@code size} (Long), {@code flags} (Integer), {@code va}
 * (Long), {@code node} (the VA node), {@code shmem} (the SharedFile of its pages), {@code pins}
 * (the PinnedPages of a normal BO) or {@code blocks} (a map from 2 MiB block address to its
 * PinnedPages, for a heap), and {@code purged} (Boolean).
 *
 * <p>Concurrency: BO changes hold {@link #lock}.
 */
final class Bos {
    final DeviceContext dev;

    Bos(DeviceContext dev) {
        this.dev = dev;
    }

    ReentrantLock lock() {
        return dev.lock();
    }

    Idr<Map<String, Object>> all() {
        return dev.idr("bos", 1);
    }

    @SuppressWarnings("unchecked")
    Set<Integer> shrinker() {
        return (Set<Integer>) dev.state().computeIfAbsent("shrinker", k -> ConcurrentHashMap.<Integer>newKeySet());
    }

    /**
     * Returns a BO of {@code file}.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown handle or another file's BO
     */
    Map<String, Object> owned(DeviceFile file, int handle) {
        Map<String, Object> bo = handle < 1 ? null : all().find(handle);
        if (bo == null || (Long) bo.get("file") != file.id()) {
            throw Errno.ENOENT.exception("no BO " + handle + " in this file");
        }
        return bo;
    }

    static IoPgtable pgtable(DeviceFile file) {
        return (IoPgtable) file.state().computeIfAbsent("pgtable",
                k -> file.device().ioPgtable((1L << 12) | (1L << 21), 32, 48));
    }

    static DrmMm va(DeviceFile file) {
        return (DrmMm) file.state().computeIfAbsent("va",
                k -> file.device().drmMm(Panfrost.VA_START, Panfrost.VA_END - Panfrost.VA_START));
    }

    static boolean heap(Map<String, Object> bo) {
        return ((Integer) bo.get("flags") & Panfrost.BO_HEAP) != 0;
    }
}
