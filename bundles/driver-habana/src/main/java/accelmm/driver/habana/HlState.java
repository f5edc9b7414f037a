package accelmm.driver.habana;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.idr.Idr;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.uapi.habana.Hl;

/**
 * The Habana device state the core keeps across driver updates, all plain data or core objects:
 * physical page packs by handle, mappings by device address, exports by key, the device page table
 * and VA allocators, and the lock that serializes memory operations.
 *
 * <p>Pack layout ({@code long[]}): {@link #P_FILE}, {@link #P_SIZE}, {@link #P_PAGE},
 * {@link #P_MAPPED}, then the node offsets of its pages. Mapping layout: {@link #M_FILE},
 * {@link #M_HANDLE}, {@link #M_SIZE}, {@link #M_EXPORTS}, {@link #M_VANODE} (the start of its VA node),
 * {@link #M_PGSIZE}.
 *
 * <p>Concurrency: mutations hold {@link #lock()}; the maps are concurrent for readers.
 */
final class HlState {
    static final int P_FILE = 0;
    static final int P_SIZE = 1;
    static final int P_PAGE = 2;
    static final int P_MAPPED = 3;
    static final int P_PAGES = 4;
    static final int M_FILE = 0;
    static final int M_HANDLE = 1;
    static final int M_SIZE = 2;
    static final int M_EXPORTS = 3;
    static final int M_VANODE = 4;
    static final int M_PGSIZE = 5;

    final DeviceContext dev;

    HlState(DeviceContext dev) {
        this.dev = dev;
    }

    ReentrantLock lock() {
        return dev.lock();
    }

    Idr<long[]> packs() {
        return dev.idr("packs", 1);
    }

    @SuppressWarnings("unchecked")
    ConcurrentMap<Long, long[]> mappings() {
        return (ConcurrentMap<Long, long[]>) dev.state().computeIfAbsent("mappings", k -> new ConcurrentHashMap<Long, long[]>());
    }

    @SuppressWarnings("unchecked")
    ConcurrentMap<Long, Object[]> hostPins() {
        return (ConcurrentMap<Long, Object[]>) dev.state().computeIfAbsent("hostPins", k -> new ConcurrentHashMap<Long, Object[]>());
    }

    @SuppressWarnings("unchecked")
    ConcurrentMap<Long, long[]> exports() {
        return (ConcurrentMap<Long, long[]>) dev.state().computeIfAbsent("exports", k -> new ConcurrentHashMap<Long, long[]>());
    }

    IoPgtable pgtable() {
        return (IoPgtable) dev.state().computeIfAbsent("pgtable",
                k -> dev.ioPgtable(dev.spec().pageSizes() | (1L << 12), 48, 48));
    }

    DrmMm dramVa() {
        return (DrmMm) dev.state().computeIfAbsent("dramVa", k -> dev.drmMm(Hl.DRAM_VA_BASE, 1L << 42));
    }

    DrmMm hostVa() {
        return (DrmMm) dev.state().computeIfAbsent("hostVa", k -> dev.drmMm(Hl.HOST_VA_BASE, 1L << 40));
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
        if (Boolean.FALSE.equals(dev.state().get("operational"))) {
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
