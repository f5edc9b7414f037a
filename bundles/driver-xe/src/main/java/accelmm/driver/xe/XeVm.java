package accelmm.driver.xe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.idr.Idr;
import accelmm.api.mmu.IoPgtable;

/**
 * A VM's state, kept by the core across driver updates as plain collections and core objects:
 * mirror and userptr binds ({@code {start, end, userptr}}), BO binds ({@code {va, end, handle, offset into the BO}}), memory advice, SVM ranges by start, the notifier of each 512 MiB window, the ranges
 * the garbage collector will remove, and the GPU page table.
 *
 * <p>A range is {@code long[]}: {@link #R_START}, {@link #R_END}, {@link #R_FLAGS} ({@link #MAPPED},
 * {@link #UNMAPPED}, {@link #PARTIAL}, {@link #DEVMEM}, {@link #WRITABLE}, {@link #USERPTR}), {@link #R_USE} (the tick of
 * the device clock at its last use, the key of {@link XeLru}), then the hmm entries of its pages from the last get-pages.
 *
 * <p>Concurrency: guarded by the device lock ({@link XeDriver#lock}).
 */
final class XeVm {
    static final int R_START = 0;
    static final int R_END = 1;
    static final int R_FLAGS = 2;
    static final int R_USE = 3;
    static final int R_PFNS = 4;
    static final long MAPPED = 1;
    static final long UNMAPPED = 2;
    static final long PARTIAL = 4;
    static final long DEVMEM = 8;
    static final long WRITABLE = 16;
    static final long USERPTR = 32;

    final int id;
    final Map<String, Object> state;

    XeVm(int id, Map<String, Object> state) {
        this.id = id;
        this.state = state;
    }

    static Idr<Map<String, Object>> all(DeviceContext dev) {
        return dev.idr("vms", 1);
    }

    /** Creates a VM of {@code file}; returns its id. */
    static int create(DeviceFile file, boolean faultMode) {
        Map<String, Object> s = new HashMap<>();
        s.put("file", (long) file.id());
        s.put("fault", faultMode);
        s.put("mirrors", new ArrayList<long[]>());
        s.put("boBinds", new ArrayList<long[]>());
        s.put("advice", new TreeMap<Long, long[]>());
        s.put("ranges", new TreeMap<Long, long[]>());
        s.put("notifiers", new HashMap<Long, DeviceNotifier>());
        s.put("gc", new ArrayList<Long>());
        s.put("pgtable", file.device().ioPgtable((1L << 12) | (1L << 21), 48, 48));
        return all(file.device()).alloc(s, 1, 0);
    }

    /**
     * Finds a VM of {@code file}.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown VM or another file's
     */
    static XeVm owned(DeviceFile file, int vm) {
        Map<String, Object> s = vm < 1 ? null : all(file.device()).find(vm);
        if (s == null || (Long) s.get("file") != file.id()) {
            throw Errno.ENOENT.exception("no VM " + vm + " in this file");
        }
        return new XeVm(vm, s);
    }

    boolean faultMode() {
        return (Boolean) state.get("fault");
    }

    @SuppressWarnings("unchecked")
    List<long[]> mirrors() {
        return (List<long[]>) state.get("mirrors");
    }

    @SuppressWarnings("unchecked")
    List<long[]> boBinds() {
        return (List<long[]>) state.get("boBinds");
    }

    /** True if {@code [start, end)} overlaps a mirror, userptr or BO bind. */
    boolean bound(long start, long end) {
        for (long[] m : mirrors()) {
            if (m[0] < end && start < m[1]) {
                return true;
            }
        }
        for (long[] b : boBinds()) {
            if (b[0] < end && start < b[1]) {
                return true;
            }
        }
        return false;
    }

    /** The offset into its BO at which a BO bind starts (binds made before offsets were kept start at 0). */
    static long boOffset(long[] bind) {
        return bind.length > 3 ? bind[3] : 0;
    }

    /** True if {@code [start, end)} overlaps a BO or a userptr bind (not a CPU address mirror). */
    boolean boOrUserptrBound(long start, long end) {
        for (long[] m : mirrors()) {
            if (m[2] != 0 && m[0] < end && start < m[1]) {
                return true;
            }
        }
        for (long[] b : boBinds()) {
            if (b[0] < end && start < b[1]) {
                return true;
            }
        }
        return false;
    }

    /** Takes {@code [start, end)} out of every CPU-address-mirror bind, as GPUVM remaps them around a new mapping. */
    void carveMirrors(long start, long end) {
        List<long[]> kept = new ArrayList<>();
        for (long[] m : mirrors()) {
            if (m[2] != 0 || m[1] <= start || end <= m[0]) {
                kept.add(m);
                continue;
            }
            if (m[0] < start) {
                kept.add(new long[] {m[0], start, 0});
            }
            if (end < m[1]) {
                kept.add(new long[] {end, m[1], 0});
            }
        }
        mirrors().clear();
        mirrors().addAll(kept);
    }

    /** True if a BO is bound at {@code addr}. */
    boolean boAt(long addr) {
        for (long[] b : boBinds()) {
            if (addr >= b[0] && addr < b[1]) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    TreeMap<Long, long[]> advice() {
        return (TreeMap<Long, long[]>) state.get("advice");
    }

    @SuppressWarnings("unchecked")
    TreeMap<Long, long[]> ranges() {
        return (TreeMap<Long, long[]>) state.get("ranges");
    }

    @SuppressWarnings("unchecked")
    Map<Long, DeviceNotifier> notifiers() {
        return (Map<Long, DeviceNotifier>) state.get("notifiers");
    }

    @SuppressWarnings("unchecked")
    List<Long> gc() {
        return (List<Long>) state.get("gc");
    }

    IoPgtable pgtable() {
        return (IoPgtable) state.get("pgtable");
    }

    /** Adds or replaces the range at {@code start}. Under the device lock. */
    void putRange(long start, long[] r) {
        forgetHint(start);
        ranges().put(start, r);
    }

    /** Removes the range at {@code start}; returns it, or null. Under the device lock. */
    long[] removeRange(long start) {
        forgetHint(start);
        return ranges().remove(start);
    }

    /** Removes every range. Under the device lock. */
    void clearRanges() {
        state.remove("rangeHint");
        ranges().clear();
    }

    /**
     * The range an invalidation last reached, or null: an eviction invalidates a range page by page,
     * and this spares each page the search. Kept true by {@link #putRange} and {@link #removeRange}.
     */
    long[] rangeHint() {
        return (long[]) state.get("rangeHint");
    }

    void setRangeHint(long[] r) {
        state.put("rangeHint", r);
    }

    private void forgetHint(long start) {
        long[] h = rangeHint();
        if (h != null && h[R_START] == start) {
            state.remove("rangeHint");
        }
    }

    /** The range holding {@code addr}, or null. */
    long[] rangeAt(long addr) {
        Map.Entry<Long, long[]> e = ranges().floorEntry(addr);
        return e != null && addr < e.getValue()[R_END] ? e.getValue() : null;
    }

    /** True if {@code [start, end)} overlaps a range. */
    boolean overlaps(long start, long end) {
        Map.Entry<Long, long[]> below = ranges().lowerEntry(end);
        return below != null && below.getValue()[R_END] > start;
    }

    /** The mirror bind holding {@code addr}, or null. */
    long[] mirrorAt(long addr) {
        for (long[] m : mirrors()) {
            if (addr >= m[0] && addr < m[1]) {
                return m;
            }
        }
        return null;
    }

    /** The preferred location at {@code addr}. */
    int location(long addr) {
        Map.Entry<Long, long[]> e = advice().floorEntry(addr);
        return e != null && addr < e.getValue()[0] ? (int) e.getValue()[1] : accelmm.api.uapi.xe.Xe.LOC_SYSTEM;
    }
}
