package accelmm.driver.habana;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.Errno;
import accelmm.api.device.DeviceAlloc;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceMapping;
import accelmm.api.device.ExportWindow;
import accelmm.api.device.StateKey;
import accelmm.api.idr.Idr;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.uapi.habana.Hl;

/**
 * The Habana device state the core keeps across driver updates, all api types: memory allocations
 * by handle, mappings by device address, exports by key, the device page table and VA allocators,
 * and the lock that serializes memory operations.
 *
 * <p>Concurrency: mutations hold {@link #lock()}; the maps are concurrent for readers.
 */
final class HlState {
    private static final StateKey<ConcurrentMap<Long, DeviceMapping>> MAPPINGS = StateKey.ofGeneric("habana.mappings", ConcurrentMap.class);
    private static final StateKey<ConcurrentMap<Long, ExportWindow>> EXPORTS = StateKey.ofGeneric("habana.exports", ConcurrentMap.class);
    private static final StateKey<ConcurrentMap<Long, Long>> PHYS_HANDLES = StateKey.ofGeneric("habana.physHandles", ConcurrentMap.class);
    private static final StateKey<Set<DeviceFile>> CLOSED_FILES = StateKey.ofGeneric("habana.closedFiles", Set.class);
    private static final StateKey<AtomicLong> EXPORT_SEQ = StateKey.of("habana.exportSeq", AtomicLong.class);
    private static final StateKey<Boolean> OPERATIONAL = StateKey.of("habana.operational", Boolean.class);
    private static final StateKey<IoPgtable> PGTABLE = StateKey.of("habana.pgtable", IoPgtable.class);
    private static final StateKey<DrmMm> DRAM_VA = StateKey.of("habana.dramVa", DrmMm.class);
    private static final StateKey<DrmMm> HOST_VA = StateKey.of("habana.hostVa", DrmMm.class);

    final DeviceContext dev;

    HlState(DeviceContext dev) {
        this.dev = dev;
    }

    ReentrantLock lock() {
        return dev.lock();
    }

    Idr<DeviceAlloc> packs() {
        return dev.idr("packs", 1);
    }

    ConcurrentMap<Long, DeviceMapping> mappings() {
        return dev.state().computeIfAbsent(MAPPINGS, ConcurrentHashMap::new);
    }

    ConcurrentMap<Long, ExportWindow> exports() {
        return dev.state().computeIfAbsent(EXPORTS, ConcurrentHashMap::new);
    }

    /** Handles by physical address, without DRAM virtual memory. */
    ConcurrentMap<Long, Long> physHandles() {
        return dev.state().computeIfAbsent(PHYS_HANDLES, ConcurrentHashMap::new);
    }

    /** Closed files whose exported mappings or allocations are still alive. */
    Set<DeviceFile> closedFiles() {
        return dev.state().computeIfAbsent(CLOSED_FILES, ConcurrentHashMap::newKeySet);
    }

    /** Returns a new export key. */
    long nextExportKey() {
        return dev.state().computeIfAbsent(EXPORT_SEQ, AtomicLong::new).incrementAndGet();
    }

    void operational(boolean on) {
        dev.state().put(OPERATIONAL, on);
    }

    IoPgtable pgtable() {
        return dev.state().computeIfAbsent(PGTABLE, () -> dev.ioPgtable(dev.spec().pageSizes() | (1L << 12), 48, 48));
    }

    DrmMm dramVa() {
        return dev.state().computeIfAbsent(DRAM_VA, () -> dev.drmMm(Hl.DRAM_VA_BASE, 1L << 42));
    }

    DrmMm hostVa() {
        return dev.state().computeIfAbsent(HOST_VA, () -> dev.drmMm(Hl.HOST_VA_BASE, 1L << 40));
    }

    /** True with DRAM virtual memory (the device setting {@code mmu}, on unless {@code false}). */
    boolean mmu() {
        return !"false".equals(dev.spec().properties().get("mmu"));
    }

    /** The bytes of DRAM visible through the PCI BAR (setting {@code barMiB}; all of it by default). */
    long barSize() {
        String mib = dev.spec().properties().get("barMiB");
        long dram = dev.memory() == null ? 0 : dev.memory().info().size();
        return mib == null ? dram : Math.min(dram, Long.parseLong(mib) << 20);
    }

    /** The DRAM size. */
    long dramSize() {
        return dev.memory() == null ? 0 : dev.memory().info().size();
    }

    /** The device page size. */
    long pageSize() {
        return dev.spec().devicePageSize();
    }

    /** @throws accelmm.api.ErrnoException {@code EBUSY} while the device resets */
    void requireOperational() {
        if (Boolean.FALSE.equals(dev.state().get(OPERATIONAL))) {
            throw Errno.EBUSY.exception(dev.name() + " is not operational");
        }
    }

    /** A handle must fit 32 bits. */
    static int handle32(long handle) {
        if ((handle >>> 32) != 0 || handle <= 0) {
            throw Errno.EINVAL.exception("handle 0x" + Long.toHexString(handle) + " is not a memory handle");
        }
        return (int) handle;
    }
}
