package accelmm.api.gpuvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import accelmm.api.device.DeviceFile;
import accelmm.api.gpusvm.GpuSvm;
import accelmm.api.mmu.IoPgtable;

/**
 * A GPU VM ({@code struct drm_gpuvm} with the SVM and memory attributes of an Xe VM): its page
 * table, its mappings, the preferred location of address ranges ({@code madvise}), and, in fault
 * mode, the GPU SVM that mirrors the process. An api type kept in the device's registry, so it
 * outlives a driver update.
 *
 * <p>Concurrency: guarded by the device lock.
 */
public final class GpuVm {
    private final int id;
    private final DeviceFile file;
    private final boolean faultMode;
    private final IoPgtable pgtable;
    private final GpuSvm svm;
    private final List<GpuVa> vas = new ArrayList<>();
    private final TreeMap<Long, Attr> attrs = new TreeMap<>();

    /**
     * The preferred location of {@code [start, end)}.
     *
     * @param end one past the last address
     * @param location the driver's location code
     */
    public record Attr(long end, int location) {
    }

    /** A VM of {@code file} with id {@code id}; {@code svm} is null outside fault mode. */
    public GpuVm(int id, DeviceFile file, boolean faultMode, IoPgtable pgtable, GpuSvm svm) {
        this.id = id;
        this.file = file;
        this.faultMode = faultMode;
        this.pgtable = pgtable;
        this.svm = svm;
    }

    /** Returns the id. */
    public int id() {
        return id;
    }

    /** Returns the file that made it. */
    public DeviceFile file() {
        return file;
    }

    /** Returns true for a fault-mode VM. */
    public boolean faultMode() {
        return faultMode;
    }

    /** Returns the GPU page table. */
    public IoPgtable pgtable() {
        return pgtable;
    }

    /** Returns the GPU SVM, or null outside fault mode. */
    public GpuSvm svm() {
        return svm;
    }

    /** Returns the mappings, in the order they were made (modifiable). */
    public List<GpuVa> vas() {
        return vas;
    }

    /** Returns the first mapping that holds {@code addr} and is of one of {@code kinds}, or null. */
    public GpuVa vaAt(long addr, GpuVa.Kind... kinds) {
        for (GpuVa v : vas) {
            if (v.holds(addr) && of(v, kinds)) {
                return v;
            }
        }
        return null;
    }

    /** True if a mapping of one of {@code kinds} (of any, with none) overlaps {@code [start, end)}. */
    public boolean bound(long start, long end, GpuVa.Kind... kinds) {
        for (GpuVa v : vas) {
            if (v.overlaps(start, end) && of(v, kinds)) {
                return true;
            }
        }
        return false;
    }

    private static boolean of(GpuVa v, GpuVa.Kind... kinds) {
        if (kinds.length == 0) {
            return true;
        }
        for (GpuVa.Kind k : kinds) {
            if (v.kind() == k) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes {@code [start, end)} out of the mappings of {@code kind}, keeping their outer parts (at
     * their offsets into a BO), as GPUVM remaps around a new mapping or an unmap; returns what was
     * taken out, each clipped to the range.
     */
    public List<GpuVa> carve(long start, long end, GpuVa.Kind kind) {
        List<GpuVa> kept = new ArrayList<>();
        List<GpuVa> taken = new ArrayList<>();
        for (GpuVa v : vas) {
            if (v.kind() != kind || !v.overlaps(start, end)) {
                kept.add(v);
                continue;
            }
            taken.add(v.part(Math.max(v.start(), start), Math.min(v.end(), end)));
            if (v.start() < start) {
                kept.add(v.part(v.start(), start));
            }
            if (end < v.end()) {
                kept.add(v.part(end, v.end()));
            }
        }
        vas.clear();
        vas.addAll(kept);
        return taken;
    }

    /**
     * Maps a BO's pages at {@code va} in the page table and records the mapping; inside a
     * CPU-address mirror it takes that part of the mirror ({@code drm_gpuvm_sm_map}).
     *
     * @throws accelmm.api.ErrnoException as {@link IoPgtable#mapEach}; nothing changes then
     */
    public void mapBo(long va, int handle, long[] pagePhys, int prot) {
        long end = va + (long) pagePhys.length * accelmm.api.PageSize.PAGE_SIZE;
        pgtable.mapEach(va, pagePhys, accelmm.api.PageSize.PAGE_SIZE, prot);
        carve(va, end, GpuVa.Kind.MIRROR);
        vas.add(new GpuVa(va, end, GpuVa.Kind.BO, handle, 0));
    }

    /**
     * Unmaps the BO mappings in {@code [start, end)} from the page table ({@code drm_gpuvm_sm_unmap}):
     * one cut keeps its outer parts at their offsets into the BO.
     *
     * @return by BO handle, how many mappings it gained (a cut in two) or lost
     */
    public Map<Integer, Integer> unmapBos(long start, long end) {
        Map<Integer, Integer> delta = new java.util.HashMap<>();
        for (GpuVa b : vas) {
            if (b.kind() == GpuVa.Kind.BO && b.overlaps(start, end)) {
                long from = Math.max(b.start(), start);
                long to = Math.min(b.end(), end);
                long page = accelmm.api.PageSize.PAGE_SIZE;
                pgtable.unmapPages(from, page, (to - from) / page, new accelmm.api.mmu.IotlbGather());
                delta.merge(b.handle(), (b.start() < from ? 1 : 0) + (to < b.end() ? 1 : 0) - 1, Integer::sum);
            }
        }
        carve(start, end, GpuVa.Kind.BO);
        return delta;
    }

    /**
     * Maps every mapping of BO {@code handle} to its new pages, as after the BO moved
     * ({@code drm_gpuvm_bo} revalidation).
     *
     * @throws accelmm.api.ErrnoException as {@link IoPgtable#mapEach}
     */
    public void remapBo(int handle, long[] pagePhys, int prot) {
        long page = accelmm.api.PageSize.PAGE_SIZE;
        for (GpuVa b : vas) {
            if (b.kind() == GpuVa.Kind.BO && b.handle() == handle) {
                int first = (int) (b.offset() / page);
                int n = (int) ((b.end() - b.start()) / page);
                pgtable.unmapPages(b.start(), page, n, new accelmm.api.mmu.IotlbGather());
                pgtable.mapEach(b.start(), java.util.Arrays.copyOfRange(pagePhys, first, first + n), page, prot);
            }
        }
    }

    /** Sets the preferred location of {@code [start, end)}. */
    public void advise(long start, long end, int location) {
        attrs.put(start, new Attr(end, location));
    }

    /** Returns the preferred location at {@code addr}, or {@code otherwise} where none was given. */
    public int location(long addr, int otherwise) {
        Map.Entry<Long, Attr> e = attrs.floorEntry(addr);
        return e != null && addr < e.getValue().end() ? e.getValue().location() : otherwise;
    }

    @Override
    public String toString() {
        return "VM " + id + " of file " + file.id();
    }
}
