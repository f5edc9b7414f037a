package accelmm.driver.panfrost;

import accelmm.api.device.DeviceFile;
import accelmm.api.device.StateKey;
import accelmm.api.gem.GemObject;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.uapi.panfrost.Panfrost;

/**
 * The Panfrost state the core keeps across driver updates: BOs are GEM objects of the device
 * (shmem pages, pinned whole for a normal BO and by 2 MiB block for a heap; their GPU address is the
 * object's VA node), and each file has its GPU address space (page table and VA allocator).
 *
 * <p>Concurrency: BO changes hold the device lock.
 */
final class Bos {
    private static final StateKey<IoPgtable> PGTABLE = StateKey.of("panfrost.pgtable", IoPgtable.class);
    private static final StateKey<DrmMm> VA = StateKey.of("panfrost.va", DrmMm.class);

    private Bos() {
    }

    static IoPgtable pgtable(DeviceFile file) {
        return file.state().computeIfAbsent(PGTABLE, () -> file.device().ioPgtable((1L << 12) | (1L << 21), 32, 48));
    }

    /** The file's page table if it has one, for its release. */
    static IoPgtable pgtableIfAny(DeviceFile file) {
        return file.state().get(PGTABLE);
    }

    static DrmMm va(DeviceFile file) {
        return file.state().computeIfAbsent(VA, () -> file.device().drmMm(Panfrost.VA_START, Panfrost.VA_END - Panfrost.VA_START));
    }

    static boolean heap(GemObject bo) {
        return (bo.flags() & Panfrost.BO_HEAP) != 0;
    }
}
