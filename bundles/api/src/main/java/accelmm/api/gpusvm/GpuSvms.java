package accelmm.api.gpusvm;

import accelmm.api.device.DeviceFile;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mmu.IoPgtable;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A device's GPU SVMs and what they share: the LRU of ranges in device memory, eviction, and CPU
 * faults on device pages ({@code migrate_to_ram}).
 *
 * <p>Concurrency: thread-safe; see each method's context.
 */
@ProviderType
public interface GpuSvms {
    /**
     * Makes a GPU SVM ({@code drm_gpusvm_init}) of {@code file}'s process bound in {@code pgtable},
     * with notifier windows of {@code notifierSize} and {@code chunkSizes} from the largest; its
     * counters are {@code prefix.range}, {@code prefix.bind}, {@code prefix.retry} and so on.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for no chunk sizes, a size that is not a
     *     power of two of at least 4 KiB, or chunks that do not decrease or exceed the window
     */
    GpuSvm create(DeviceFile file, IoPgtable pgtable, long notifierSize, long[] chunkSizes, String prefix);

    /** Returns the GPU SVM of id {@code id}, or null. */
    GpuSvm find(int id);

    /**
     * Evicts the least recently used range in device memory of any GPU SVM of the device, other
     * than the one at {@code keepStart} of {@code self} (none if {@code self} is null), to system
     * memory.
     *
     * <p>Context: a call without the device lock.
     *
     * @return false if there was none
     */
    boolean evictLeastRecentlyUsed(GpuSvm self, long keepStart);

    /**
     * Serves a CPU fault on a device page of this device ({@code drm_gpusvm_migrate_to_ram}): the
     * pages of the range holding {@code addr}, clipped to its VMA, migrate to system memory.
     *
     * <p>Context: as {@link accelmm.api.device.DeviceDriver#migrateToRam}.
     *
     * @return true if a page moved
     */
    boolean migrateToRam(AddressSpace mm, long addr);
}
