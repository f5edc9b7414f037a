package accelmm.driver.xe;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceImport;
import accelmm.api.gem.Gem;
import accelmm.api.gem.GemObject;
import accelmm.api.policy.ListCandidates;
import accelmm.api.gpuvm.GpuVa;
import accelmm.api.gpuvm.GpuVm;
import accelmm.api.mmu.IommuProt;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBoCreate;
import accelmm.api.uapi.xe.XeGemMmapOffset;
import accelmm.api.uapi.xe.XeMmap;

/**
 * Buffer objects: GEM objects of the device in VRAM blocks or in pinned shmem pages of system
 * memory (their creation flags are the placement), bound into a VM at a GPU address. A BO counts
 * the VM binds that map it and when it was created or last bound, the LRU order in which VRAM
 * pressure moves BOs to system memory ({@code evicted}); PRIME is {@link XePrime}.
 *
 * <p>Concurrency: under the device lock.
 */
final class XeBos {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private XeBos() {
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
        Gem gem = dev.gem();
        GemObject bo;
        if (c.placement() == Xe.LOC_VRAM) {
            try {
                bo = gem.createVram(file, c.size(), c.placement());
            } catch (ErrnoException e) {
                throw Errno.ENOMEM.exception("VRAM is full: " + e.getMessage());
            }
        } else {
            bo = gem.createShmem(file, "xe-bo", c.size(), c.placement());
            try {
                gem.pin(bo, 0, bo.pageCount());
            } catch (ErrnoException e) {
                gem.free(bo);
                throw e;
            }
        }
        dev.count("xe.bo", 1);
        return gem.handleCreate(bo);
    }

    /**
     * Binds a BO at {@code va}; inside a CPU-address-mirror bind it takes that part of the mirror.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown BO; {@code EINVAL} for an
     *     unaligned address or one that overlaps another BO or a userptr bind; {@code EBUSY} if an
     *     SVM range is mapped where it would go
     */
    static void bind(DeviceFile file, GpuVm vm, int handle, long va) {
        Gem gem = file.device().gem();
        GemObject bo = gem.lookup(file, handle);
        long size = bo.size();
        if ((va & (PAGE - 1)) != 0 || va < 0 || va + size < va || vm.bound(va, va + size, GpuVa.Kind.BO, GpuVa.Kind.USERPTR)) {
            throw Errno.EINVAL.exception("cannot bind BO " + handle + " at 0x" + Long.toHexString(va));
        }
        requireNoRanges(vm, va, va + size);
        vm.mapBo(va, handle, gem.pagePhys(bo), IommuProt.READ | IommuProt.WRITE);
        bo.addBinds(1);
        bo.lastUse(System.nanoTime());
    }

    /**
     * Unmaps {@code [start, end)} ({@code DRM_XE_VM_BIND_OP_UNMAP}): BO binds inside it go, one it
     * cuts keeps its outer parts at their offsets into the BO, mirrors lose that part.
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} if an SVM range is mapped in a mirror
     *     there; {@code EINVAL} if a userptr bind overlaps it; nothing changes then
     */
    static void unbind(DeviceContext dev, GpuVm vm, long start, long end) {
        if (vm.bound(start, end, GpuVa.Kind.USERPTR)) {
            throw Errno.EINVAL.exception("[0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end)
                    + ") overlaps a userptr bind");
        }
        requireNoRanges(vm, start, end);
        unbindBos(dev, vm, start, end);
        vm.carve(start, end, GpuVa.Kind.MIRROR);
    }

    /** @throws accelmm.api.ErrnoException {@code EBUSY} if an SVM range is mapped in {@code [start, end)} */
    private static void requireNoRanges(GpuVm vm, long start, long end) {
        if (vm.svm().overlaps(start, end)) {
            throw Errno.EBUSY.exception("SVM ranges are mapped in [0x" + Long.toHexString(start) + ", 0x"
                    + Long.toHexString(end) + ") of the CPU address mirror");
        }
    }

    /**
     * The VRAM BO the device's eviction policy chooses, the candidates offered least recently
     * bound or created first (the default takes that one, as TTM's LRU); null if there is none.
     * Under the device lock.
     */
    static GemObject victim(DeviceContext dev) {
        List<GemObject> vram = new ArrayList<>();
        for (GemObject bo : dev.gem().objects(null)) {
            if (bo.vram() != null) {
                vram.add(bo);
            }
        }
        vram.sort(java.util.Comparator.comparingLong(GemObject::lastUse));
        return ListCandidates.choose(dev.policies().current(), vram, GemObject::policyBlock, dev.counters().getOrDefault("xe.bo_evict", 0L));
    }

    /**
     * Moves a VRAM BO to pinned system memory, as TTM evicts a BO that may live there: its pages
     * are copied, and every VM that binds it maps the new pages at the same addresses before its
     * VRAM is freed. Under the device lock.
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if system memory cannot hold it (the BO
     *     stays in VRAM)
     */
    static void evictToSystem(DeviceContext dev, GemObject bo) {
        dev.gem().moveToSystem(bo, to -> XeVm.all(dev).forEach((id, vm) -> {
            if (vm != null) {
                vm.remapBo(bo.handle(), to, IommuProt.READ | IommuProt.WRITE);
            }
            return 0;
        }));
        dev.count("xe.bo_evict", 1);
        dev.count("xe.migrate_bytes", bo.size());
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
        GemObject bo = file.device().gem().lookup(file, m.handle());
        if (bo.imported() != null) {
            throw Errno.EINVAL.exception("an imported BO is mapped through its dma-buf descriptor");
        }
        if (bo.vram() != null) {
            evictToSystem(file.device(), bo);
            file.device().count("xe.bo_cpu_migrate", 1);
        }
        return new XeMmap((long) m.handle() << 32, bo.shmem());
    }

    /** Unbinds every BO of a VM. */
    static void unbindAll(DeviceFile file, GpuVm vm) {
        unbindBos(file.device(), vm, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static void unbindBos(DeviceContext dev, GpuVm vm, long start, long end) {
        vm.unmapBos(start, end).forEach((handle, delta) -> {
            GemObject bo = dev.gem().find(handle);
            if (bo != null) {
                bo.addBinds(delta);
            }
        });
    }

    /**
     * Frees a BO; an imported buffer is added to {@code drop} for the caller to release once the
     * device lock is dropped.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown BO; {@code EBUSY} while bound
     */
    static void close(DeviceFile file, int handle, List<Runnable> after) {
        GemObject bo = file.device().gem().lookup(file, handle);
        if (bo.binds() > 0) {
            throw Errno.EBUSY.exception("BO " + handle + " is bound");
        }
        free(bo, after);
    }

    private static void free(GemObject bo, List<Runnable> after) {
        DeviceImport imp = bo.file().device().gem().free(bo);
        if (imp != null) {
            after.add(imp::release);
        }
    }

    /** Frees every BO of a closing file (its VMs are gone already). */
    static void closeAll(DeviceFile file, List<Runnable> after) {
        for (GemObject bo : file.device().gem().objects(file)) {
            free(bo, after);
        }
    }
}
