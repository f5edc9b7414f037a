package accelmm.api.gem;

import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceImport;
import accelmm.api.mm.Block;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.SharedFile;
import accelmm.api.mmu.DrmMmNode;

/**
 * A GEM buffer object ({@code struct drm_gem_object} with the GEM-shmem and TTM parts the drivers
 * here use): its file and size, where its pages are — a shmem file pinned in ranges
 * ({@code drm_gem_shmem_object}), blocks of device memory, or another device's dma-buf — its PRIME
 * export, its madvise state, and the few fields a driver's policy reads: creation flags, a GPU
 * address, how many VMs bind it and when it was last used. The core makes and frees the memory
 * ({@link Gem}); a driver sets only its own fields.
 *
 * <p>Concurrency: guarded by the device lock, except {@link #flags()}, {@link #size()} and
 * {@link #file()}, which never change.
 */
public final class GemObject {
    /** {@code madv} of an object whose pages are wanted ({@code PANFROST_MADV_WILLNEED}). */
    public static final int MADV_WILLNEED = 0;
    /** {@code madv} of an object whose pages may be purged ({@code PANFROST_MADV_DONTNEED}). */
    public static final int MADV_DONTNEED = 1;
    /** {@code madv} of a purged object: its pages are gone and it never gets them back. */
    public static final int MADV_PURGED = -1;

    private final DeviceFile file;
    private final long size;
    private final int flags;
    private int handle;
    private SharedFile shmem;
    private final NavigableMap<Long, PinnedPages> pins = new TreeMap<>();
    private List<Block> vram;
    private DeviceImport imported;
    private DeviceExport export;
    private int madv;
    private DrmMmNode va;
    private int binds;
    private long lastUse;
    private boolean evicted;
    private final accelmm.api.policy.BlockState policyBlock;

    /**
     * A new object of {@code file}, {@code size} bytes, with the driver's creation {@code flags};
     * it has no pages until {@link Gem} gives it some.
     */
    public GemObject(DeviceFile file, long size, int flags) {
        this.file = file;
        this.size = size;
        this.flags = flags;
        this.policyBlock = new accelmm.api.policy.BlockState(0, size);
    }

    /** Returns what the memory policies know of it: uses, ticks and their marks (eviction, the shrinker's choice). */
    public accelmm.api.policy.BlockState policyBlock() {
        return policyBlock;
    }

    /** Returns the file that made it. */
    public DeviceFile file() {
        return file;
    }

    /** Returns the size in bytes, a whole number of pages. */
    public long size() {
        return size;
    }

    /** Returns the number of 4 KiB pages. */
    public int pageCount() {
        return (int) (size >>> accelmm.api.PageSize.PAGE_SHIFT);
    }

    /** Returns the driver's creation flags. */
    public int flags() {
        return flags;
    }

    /** Returns the handle in its file, or 0 before {@link Gem#handleCreate}. */
    public int handle() {
        return handle;
    }

    /** Sets the handle; the core's. */
    public void handle(int h) {
        this.handle = h;
    }

    /** Returns the shmem file of its system pages, or null (device memory, an import). */
    public SharedFile shmem() {
        return shmem;
    }

    /** Sets the shmem file; the core's. */
    public void shmem(SharedFile f) {
        this.shmem = f;
    }

    /** Returns its pinned ranges of shmem pages by first page (unmodifiable). */
    public NavigableMap<Long, PinnedPages> pins() {
        return Collections.unmodifiableNavigableMap(pins);
    }

    /** The pinned ranges themselves; the core's. */
    public NavigableMap<Long, PinnedPages> pinsForUpdate() {
        return pins;
    }

    /** Returns the blocks of device memory it lives in, or null. */
    public List<Block> vram() {
        return vram;
    }

    /** Sets the device-memory blocks; the core's. */
    public void vram(List<Block> blocks) {
        this.vram = blocks;
    }

    /** Returns the import it stands for, or null. */
    public DeviceImport imported() {
        return imported;
    }

    /** Sets the import; the core's. */
    public void imported(DeviceImport imp) {
        this.imported = imp;
    }

    /** Returns its last PRIME export, or null. */
    public DeviceExport export() {
        return export;
    }

    /** Sets the export; the core's. */
    public void export(DeviceExport x) {
        this.export = x;
    }

    /** Returns the madvise state: {@link #MADV_WILLNEED}, {@link #MADV_DONTNEED} or {@link #MADV_PURGED}. */
    public int madv() {
        return madv;
    }

    /** Sets the madvise state; the core's. */
    public void madv(int m) {
        this.madv = m;
    }

    /** Returns true once purged. */
    public boolean purged() {
        return madv == MADV_PURGED;
    }

    /** Returns the node of its GPU address, or null. */
    public DrmMmNode va() {
        return va;
    }

    /** Sets the node of its GPU address. */
    public void va(DrmMmNode node) {
        this.va = node;
    }

    /** Returns how many VM binds map it. */
    public int binds() {
        return binds;
    }

    /** Adds {@code delta} to the count of VM binds. */
    public void addBinds(int delta) {
        this.binds += delta;
    }

    /** Returns when it was made or last bound ({@link System#nanoTime()}). */
    public long lastUse() {
        return lastUse;
    }

    /** Sets when it was last used, which is a use for the memory policies too. */
    public void lastUse(long t) {
        this.lastUse = t;
        policyBlock.used();
    }

    /** Returns true if device memory pressure moved it to system memory. */
    public boolean evicted() {
        return evicted;
    }

    /** Marks it moved to system memory by pressure; the core's. */
    public void evicted(boolean e) {
        this.evicted = e;
    }

    /** Returns true while a dma-buf shares its pages: an import, or an export whose buffer lives. */
    public boolean shared() {
        return imported != null || export != null && !export.dmaBuf().released();
    }

    @Override
    public String toString() {
        return "GEM object " + handle + " of file " + file.id() + " (" + size + " bytes)";
    }
}
