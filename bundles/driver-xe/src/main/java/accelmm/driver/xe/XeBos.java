package accelmm.driver.xe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceImport;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.idr.Idr;
import accelmm.api.mm.Block;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.SharedFile;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBoCreate;
import accelmm.api.uapi.xe.XeGemMmapOffset;
import accelmm.api.uapi.xe.XeMmap;

/**
 * Buffer objects: VRAM blocks of the device, or pinned shmem pages in system memory, bound into a
 * VM at a GPU address. A BO is a map of plain values and core objects: {@code file} and
 * {@code owner} (the file itself), {@code size}, {@code placement}, {@code blocks} (VRAM) or
 * {@code shmem} and {@code pins} (system), {@code binds} (how many VMs bind it), {@code use} (when
 * it was created or last bound), {@code evicted} (a VRAM BO moved to system memory to make room),
 * and for PRIME {@code export} or {@code import} (see {@link XePrime}).
 *
 * <p>Concurrency: under the device lock.
 */
final class XeBos {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private XeBos() {
    }

    static Idr<Map<String, Object>> all(DeviceContext dev) {
        return dev.idr("bos", 1);
    }

    static Map<String, Object> owned(DeviceFile file, int handle) {
        Map<String, Object> bo = handle < 1 ? null : all(file.device()).find(handle);
        if (bo == null || (Long) bo.get("file") != file.id()) {
            throw Errno.ENOENT.exception("no BO " + handle + " in this file");
        }
        return bo;
    }

    /** Creates a zeroed BO; returns its handle. */
    static Integer create(DeviceFile file, XeBoCreate c) {
        DeviceContext dev = file.device();
        if (c.size() <= 0 || (c.placement() != Xe.LOC_SYSTEM && c.placement() != Xe.LOC_VRAM)) {
            throw Errno.EINVAL.exception("size " + c.size() + ", placement " + c.placement());
        }
        if (c.placement() == Xe.LOC_VRAM && (dev.memory() == null || c.size() > dev.memory().info().size())) {
            throw Errno.EINVAL.exception(dev.name() + " has no room for a VRAM BO of " + c.size() + " bytes");
        }
        long size = (c.size() + PAGE - 1) & ~(PAGE - 1);
        Map<String, Object> bo = new HashMap<>();
        bo.put("file", (long) file.id());
        bo.put("owner", file);
        bo.put("use", System.nanoTime());
        bo.put("size", size);
        bo.put("placement", c.placement());
        bo.put("binds", 0);
        if (c.placement() == Xe.LOC_VRAM) {
            try {
                bo.put("blocks", dev.allocBlocks(0, dev.memory().info().size(), size, PAGE, 0));
            } catch (ErrnoException e) {
                throw Errno.ENOMEM.exception("VRAM is full: " + e.getMessage());
            }
        } else {
            SharedFile shmem = dev.shmem(file, "xe-bo", size);
            try {
                bo.put("pins", dev.pinShmem(file, shmem, 0, (int) (size / PAGE)));
            } catch (ErrnoException e) {
                shmem.close();
                throw e;
            }
            bo.put("shmem", shmem);
        }
        dev.count("xe.bo", 1);
        return all(dev).alloc(bo, 1, 0);
    }

    /** The physical address of each page of a BO. */
    @SuppressWarnings("unchecked")
    private static long[] pages(DeviceContext dev, Map<String, Object> bo) {
        if (bo.get("import") instanceof DeviceImport imp) {
            return imp.pages();
        }
        List<Long> out = new ArrayList<>();
        if (bo.get("blocks") != null) {
            for (Block b : (List<Block>) bo.get("blocks")) {
                for (long o = b.offset(); o < b.end(); o += PAGE) {
                    out.add(PhysAddr.of(dev.memory().id(), 0, o));
                }
            }
        } else {
            PinnedPages p = (PinnedPages) bo.get("pins");
            for (long pfn : p.pfns()) {
                out.add(PhysAddr.of(p.node(), pfn, 0));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Binds a BO at {@code va}; inside a CPU-address-mirror bind it takes that part of the mirror.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown BO; {@code EINVAL} for an
     *     unaligned address or one that overlaps another BO or a userptr bind; {@code EBUSY} if an
     *     SVM range is mapped where it would go
     */
    static void bind(DeviceFile file, XeVm vm, int handle, long va) {
        Map<String, Object> bo = owned(file, handle);
        long size = (Long) bo.get("size");
        if ((va & (PAGE - 1)) != 0 || va < 0 || va + size < va || vm.boOrUserptrBound(va, va + size)) {
            throw Errno.EINVAL.exception("cannot bind BO " + handle + " at 0x" + Long.toHexString(va));
        }
        if (vm.overlaps(va, va + size)) {
            throw Errno.EBUSY.exception("SVM ranges are mapped in [0x" + Long.toHexString(va) + ", 0x"
                    + Long.toHexString(va + size) + ") of the CPU address mirror");
        }
        vm.pgtable().mapEach(va, pages(file.device(), bo), PAGE, IommuProt.READ | IommuProt.WRITE);
        vm.carveMirrors(va, va + size);
        vm.boBinds().add(new long[] {va, va + size, handle, 0});
        bo.put("binds", (Integer) bo.get("binds") + 1);
        bo.put("use", System.nanoTime());
    }

    /**
     * Unmaps {@code [start, end)} ({@code DRM_XE_VM_BIND_OP_UNMAP}): BO binds inside it go, one it
     * cuts keeps its outer parts at their offsets into the BO, mirrors lose that part.
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} if an SVM range is mapped in a mirror
     *     there; {@code EINVAL} if a userptr bind overlaps it; nothing changes then
     */
    static void unbind(DeviceContext dev, XeVm vm, long start, long end) {
        for (long[] m : vm.mirrors()) {
            if (m[0] < end && start < m[1] && m[2] != 0) {
                throw Errno.EINVAL.exception("[0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end)
                        + ") overlaps a userptr bind");
            }
        }
        if (vm.overlaps(start, end)) {
            throw Errno.EBUSY.exception("SVM ranges are mapped in [0x" + Long.toHexString(start) + ", 0x"
                    + Long.toHexString(end) + ") of the CPU address mirror");
        }
        List<long[]> kept = new ArrayList<>();
        for (long[] b : vm.boBinds()) {
            if (b[1] <= start || end <= b[0]) {
                kept.add(b);
                continue;
            }
            long from = Math.max(b[0], start);
            long to = Math.min(b[1], end);
            vm.pgtable().unmapPages(from, PAGE, (to - from) / PAGE, new IotlbGather());
            Map<String, Object> bo = all(dev).find(b[2]);
            int parts = 0;
            if (b[0] < from) {
                kept.add(new long[] {b[0], from, b[2], XeVm.boOffset(b)});
                parts++;
            }
            if (to < b[1]) {
                kept.add(new long[] {to, b[1], b[2], XeVm.boOffset(b) + (to - b[0])});
                parts++;
            }
            if (bo != null) {
                bo.put("binds", (Integer) bo.get("binds") - 1 + parts);
            }
        }
        vm.boBinds().clear();
        vm.boBinds().addAll(kept);
        vm.carveMirrors(start, end);
    }

    /** The VRAM BO bound or created longest ago, or 0 if there is none. */
    static int victim(DeviceContext dev) {
        int[] found = {0};
        long[] oldest = {Long.MAX_VALUE};
        all(dev).forEach((id, bo) -> {
            if (bo != null && bo.get("blocks") != null && (Long) bo.get("use") < oldest[0]) {
                oldest[0] = (Long) bo.get("use");
                found[0] = (int) id;
            }
            return 0;
        });
        return found[0];
    }

    /**
     * Moves a VRAM BO to pinned system memory, as TTM evicts a BO that may live there: its pages
     * are copied (bytes or stamps alike), every VM that binds it maps the new pages at the same
     * addresses, and its VRAM is freed. Under the device lock.
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if system memory cannot hold it (the BO
     *     stays in VRAM)
     */
    @SuppressWarnings("unchecked")
    static void evictToSystem(DeviceContext dev, int handle) {
        Map<String, Object> bo = all(dev).find(handle);
        DeviceFile owner = (DeviceFile) bo.get("owner");
        long size = (Long) bo.get("size");
        long[] from = pages(dev, bo);
        SharedFile shmem = dev.shmem(owner, "xe-bo", size);
        PinnedPages pins;
        try {
            pins = dev.pinShmem(owner, shmem, 0, (int) (size / PAGE));
        } catch (ErrnoException e) {
            shmem.close();
            throw e;
        }
        long[] to = new long[from.length];
        for (int i = 0; i < from.length; i++) {
            to[i] = PhysAddr.of(pins.node(), pins.pfns()[i], 0);
            dev.memoryManager().copyPage(MigratePfn.of(PhysAddr.node(from[i]), PhysAddr.pfn(from[i])),
                    MigratePfn.of(pins.node(), pins.pfns()[i]));
        }
        XeVm.all(dev).forEach((id, s) -> {
            if (s != null) {
                XeVm vm = new XeVm((int) id, s);
                for (long[] b : vm.boBinds()) {
                    if (b[2] == handle) {
                        int first = (int) (XeVm.boOffset(b) / PAGE);
                        int n = (int) ((b[1] - b[0]) / PAGE);
                        vm.pgtable().unmapPages(b[0], PAGE, n, new IotlbGather());
                        vm.pgtable().mapEach(b[0], java.util.Arrays.copyOfRange(to, first, first + n), PAGE,
                                IommuProt.READ | IommuProt.WRITE);
                    }
                }
            }
            return 0;
        });
        dev.freeBlocks((List<Block>) bo.remove("blocks"));
        bo.put("pins", pins);
        bo.put("shmem", shmem);
        bo.put("evicted", true);
        dev.count("xe.bo_evict", 1);
        dev.count("xe.migrate_bytes", size);
    }

    /**
     * {@code DRM_IOCTL_XE_GEM_MMAP_OFFSET}: a VRAM BO moves to system memory first (see
     * {@link XeGemMmapOffset}). Under the device lock.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for flags, or an imported BO (a process maps
     *     its dma-buf descriptor); {@code ENOENT} for an unknown BO; {@code ENOMEM} if system memory
     *     cannot take a VRAM BO
     */
    static XeMmap mmapOffset(DeviceFile file, XeGemMmapOffset m) {
        if (m.flags() != 0) {
            throw Errno.EINVAL.exception("flags must be 0");
        }
        Map<String, Object> bo = owned(file, m.handle());
        if (bo.get("import") != null) {
            throw Errno.EINVAL.exception("an imported BO is mapped through its dma-buf descriptor");
        }
        if (bo.get("blocks") != null) {
            evictToSystem(file.device(), m.handle());
            file.device().count("xe.bo_cpu_migrate", 1);
        }
        return new XeMmap((long) m.handle() << 32, (SharedFile) bo.get("shmem"));
    }

    /** Unbinds every BO of a VM. */
    static void unbindAll(DeviceFile file, XeVm vm) {
        for (long[] b : vm.boBinds()) {
            vm.pgtable().unmapPages(b[0], PAGE, (b[1] - b[0]) / PAGE, new IotlbGather());
            Map<String, Object> bo = all(file.device()).find(b[2]);
            if (bo != null) {
                bo.put("binds", (Integer) bo.get("binds") - 1);
            }
        }
        vm.boBinds().clear();
    }

    /**
     * Frees a BO.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown BO; {@code EBUSY} while bound
     */
    static void close(DeviceFile file, int handle, List<DeviceImport> drop) {
        Map<String, Object> bo = owned(file, handle);
        if ((Integer) bo.get("binds") > 0) {
            throw Errno.EBUSY.exception("BO " + handle + " is bound");
        }
        free(file.device(), bo, drop);
        all(file.device()).remove(handle);
    }

    /**
     * Frees a BO's memory; an exported BO's pages stay with its buffer, and an imported buffer is
     * added to {@code drop} for the caller to release once the device lock is dropped.
     */
    @SuppressWarnings("unchecked")
    private static void free(DeviceContext dev, Map<String, Object> bo, List<DeviceImport> drop) {
        if (bo.get("import") instanceof DeviceImport imp) {
            drop.add(imp);
        } else if (bo.get("blocks") != null) {
            dev.freeBlocks((List<Block>) bo.get("blocks"));
        } else {
            ((PinnedPages) bo.get("pins")).unpin();
            if (bo.get("export") instanceof DeviceExport x) {
                x.objectFreed();
            } else {
                ((SharedFile) bo.get("shmem")).close();
            }
        }
    }

    /** Frees every BO of a closing file (its VMs are gone already). */
    static void closeAll(DeviceFile file, List<DeviceImport> drop) {
        List<Integer> mine = new ArrayList<>();
        all(file.device()).forEach((id, bo) -> {
            if (bo != null && (Long) bo.get("file") == file.id()) {
                mine.add((int) id);
            }
            return 0;
        });
        for (int h : mine) {
            free(file.device(), all(file.device()).find(h), drop);
            all(file.device()).remove(h);
        }
    }
}
