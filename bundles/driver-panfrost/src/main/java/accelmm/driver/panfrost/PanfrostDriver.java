package accelmm.driver.panfrost;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceImport;
import accelmm.api.device.IoctlTable;
import accelmm.api.device.Request;
import accelmm.api.device.DeviceFile;
import accelmm.api.gem.Gem;
import accelmm.api.gem.GemObject;
import accelmm.api.policy.ListCandidates;
import accelmm.api.policy.PolicySet;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.DrmMmNode;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.mmu.IotlbGather;
import accelmm.api.uapi.drm.DrmIoctl;
import accelmm.api.uapi.drm.PrimeFdToHandle;
import accelmm.api.uapi.drm.PrimeHandleToFd;
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostFreeBo;
import accelmm.api.uapi.panfrost.PanfrostGetBoOffset;
import accelmm.api.uapi.panfrost.PanfrostIoctl;
import accelmm.api.uapi.panfrost.PanfrostMadvise;
import accelmm.api.uapi.panfrost.PanfrostMmap;
import accelmm.api.uapi.panfrost.PanfrostMmapBo;
import accelmm.api.uapi.panfrost.PanfrostSubmit;
import accelmm.api.uapi.panfrost.PanfrostWaitBo;

/**
 * The Panfrost driver: shmem-backed buffer objects in a per-file GPU address space of
 * {@code [32 MiB, 4 GiB)}, heaps that only reserve addresses and grow by 2 MiB blocks on GPU faults,
 * and a shrinker that reclaims DONTNEED BOs when memory runs out.
 *
 * <p>Concurrency: BO changes and jobs hold the device lock; jobs of one device run one at a time, as on the job slot of the hardware.
 */
@Component(service = DeviceDriver.class, property = DeviceDriver.KIND + "=panfrost")
public final class PanfrostDriver implements DeviceDriver {
    static final long PAGE = PageSize.PAGE_SIZE;
    static final long SZ_16M = 16L << 20;

    private static final IoctlTable IOCTLS = IoctlTable.builder("Panfrost", PanfrostIoctl.class, DrmIoctl.class)
            .on(PrimeFdToHandle.class, Prime::fdToHandle)
            .on(PrimeHandleToFd.class, IoctlTable.underDeviceLock((file, p, after) -> Prime.handleToFd(file, p)))
            .on(PanfrostCreateBo.class, IoctlTable.underDeviceLock((file, c, after) -> create(file, c)))
            .on(PanfrostFreeBo.class, IoctlTable.underDeviceLock((file, f, after) -> {
                free(file.device().gem().lookup(file, f.handle()), after);
                return null;
            }))
            .on(PanfrostMmapBo.class, IoctlTable.underDeviceLock((file, m, after) -> mmap(file, m)))
            .on(PanfrostGetBoOffset.class, IoctlTable.underDeviceLock((file, g, after) ->
                    file.device().gem().lookup(file, g.handle()).va().start()))
            .on(PanfrostWaitBo.class, IoctlTable.underDeviceLock((file, w, after) -> {
                if (w.pad() != 0) {
                    throw Errno.EINVAL.exception("pad must be 0");
                }
                file.device().gem().lookup(file, w.handle());
                return null;
            }))
            .on(PanfrostMadvise.class, IoctlTable.underDeviceLock((file, m, after) ->
                    file.device().gem().madvise(file.device().gem().lookup(file, m.handle()), m.madv())))
            .on(PanfrostSubmit.class, IoctlTable.underDeviceLock((file, s, after) -> new PanfrostJobRun(file).run(s)))
            .build();

    @Override
    public <R> R ioctl(DeviceFile file, Request<R> request) {
        return IOCTLS.dispatch(file, request);
    }

    private static PanfrostBo create(DeviceFile file, PanfrostCreateBo c) {
        if (c.size() <= 0 || c.pad() != 0 || (c.flags() & ~(Panfrost.BO_NOEXEC | Panfrost.BO_HEAP)) != 0) {
            throw Errno.EINVAL.exception("size " + c.size() + ", flags 0x" + Integer.toHexString(c.flags()) + ", pad " + c.pad());
        }
        boolean heap = (c.flags() & Panfrost.BO_HEAP) != 0;
        boolean noexec = (c.flags() & Panfrost.BO_NOEXEC) != 0;
        if (heap && !noexec) {
            throw Errno.EINVAL.exception("heaps should never be executable");
        }
        if (c.size() > Panfrost.VA_END) {
            throw Errno.ENOSPC.exception("no GPU address space for " + c.size() + " bytes");
        }
        long unit = heap ? Panfrost.HEAP_BLOCK : PAGE;
        long size = (c.size() + unit - 1) / unit * unit;
        long align = !noexec ? size : size >= Panfrost.HEAP_BLOCK ? Panfrost.HEAP_BLOCK : 0;
        long end = noexec ? Panfrost.VA_END : Panfrost.VA_END - SZ_16M;
        DrmMm va = Bos.va(file);
        DrmMmNode node = va.insertNode(size, align, noexec ? 1 : 0, Panfrost.VA_START, end, DrmMm.Mode.BEST);
        Gem gem = file.device().gem();
        GemObject bo = null;
        try {
            bo = gem.createShmem(file, "panfrost-bo", size, c.flags());
            bo.va(node);
            if (!heap) {
                pinWithShrink(file, bo, 0, bo.pageCount());
                map(gem, Bos.pgtable(file), bo);
            }
        } catch (ErrnoException e) {
            if (bo != null) {
                gem.free(bo);
            }
            va.removeNode(node);
            throw e;
        }
        int handle = gem.handleCreate(bo);
        file.device().count(heap ? "panfrost.heap_bo" : "panfrost.bo", 1);
        return new PanfrostBo(handle, node.start());
    }

    static int prot(int flags) {
        return IommuProt.READ | IommuProt.WRITE | ((flags & Panfrost.BO_NOEXEC) != 0 ? IommuProt.NOEXEC : 0);
    }

    /**
     * Pins pages of a BO; when memory runs out the shrinker reclaims DONTNEED BOs and it tries once more.
     *
     * @throws ErrnoException {@code ENOMEM} if there is still no room
     */
    static PinnedPages pinWithShrink(DeviceFile file, GemObject bo, long first, int count) {
        Gem gem = file.device().gem();
        try {
            return gem.pin(bo, first, count);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOMEM || shrink(file.device(), Long.MAX_VALUE) == 0) {
                throw e;
            }
            return gem.pin(bo, first, count);
        }
    }

    /** Maps every page of a pinned BO at its GPU address, one 4 KiB entry each; a failure maps nothing. */
    static void map(Gem gem, IoPgtable pt, GemObject bo) {
        pt.mapEach(bo.va().start(), gem.pagePhys(bo), PAGE, prot(bo.flags()));
    }

    /** Unmaps what a BO has mapped: its whole range, or a heap's faulted blocks. */
    static void unmap(GemObject bo, IoPgtable pt) {
        if (Bos.heap(bo)) {
            for (long first : bo.pins().keySet()) {
                pt.unmapPages(bo.va().start() + first * PAGE, PAGE, Panfrost.HEAP_BLOCK / PAGE, new IotlbGather());
            }
        } else if (!bo.pins().isEmpty() || bo.imported() != null) {
            pt.unmapPages(bo.va().start(), PAGE, bo.pageCount(), new IotlbGather());
        }
    }

    /**
     * Frees a BO under the device lock; an imported buffer is added to {@code drop}, for the caller
     * to release once the lock is dropped (its exporter is another device).
     */
    private static void free(GemObject bo, List<Runnable> after) {
        DeviceFile file = bo.file();
        unmap(bo, Bos.pgtable(file));
        DeviceImport imp = file.device().gem().free(bo);
        if (imp != null) {
            after.add(imp::release);
        }
        Bos.va(file).removeNode(bo.va());
        file.device().count("panfrost.free", 1);
    }

    private static PanfrostMmap mmap(DeviceFile file, PanfrostMmapBo m) {
        if (m.flags() != 0) {
            throw Errno.EINVAL.exception("flags must be 0");
        }
        GemObject bo = file.device().gem().lookup(file, m.handle());
        if (Bos.heap(bo)) {
            throw Errno.EINVAL.exception("heap BOs cannot be mapped: their pages are not pinned");
        }
        if (bo.imported() != null) {
            throw Errno.EINVAL.exception("an imported BO is mapped through its dma-buf descriptor");
        }
        if (bo.purged()) {
            throw Errno.EINVAL.exception("the BO was purged");
        }
        return new PanfrostMmap((long) m.handle() << 32, bo.shmem());
    }

    /**
     * Reclaims DONTNEED BOs until about {@code nrPages} pages came back: unmaps each, drops its
     * pages, marks it purged ({@code panfrost_gem_purge}). The device's eviction policy picks
     * them, offered least recently used first (the default purges in that order). Under the
     * device lock.
     *
     * @return the pages of the BOs purged
     */
    static long shrink(DeviceContext dev, long nrPages) {
        Gem gem = dev.gem();
        List<GemObject> purgeable = new ArrayList<>();
        for (GemObject bo : gem.objects(null)) {
            if (gem.purgeable(bo)) {
                purgeable.add(bo);
            }
        }
        purgeable.sort(java.util.Comparator.comparingLong(GemObject::lastUse));
        PolicySet policies = dev.policies().current();
        int purged = 0;
        long pages = 0;
        while (pages < nrPages && !purgeable.isEmpty()) {
            GemObject bo = ListCandidates.choose(policies, purgeable, GemObject::policyBlock, purged);
            purgeable.remove(bo);
            unmap(bo, Bos.pgtable(bo.file()));
            gem.purge(bo);
            purged++;
            pages += bo.pageCount();
        }
        dev.count("panfrost.purged", purged);
        dev.count("policy.victims", purged);
        return pages;
    }

    @Override
    public void dmaBufAttach(DeviceExport export, accelmm.api.dma.DmaBufAttachment attachment) {
        Prime.attach(export);
    }

    /** The pages of the DONTNEED BOs not purged yet; 0 when the device lock is busy. */
    @Override
    public long shrinkCount(DeviceContext device) {
        ReentrantLock lock = device.lock();
        if (lock.isHeldByCurrentThread() || !lock.tryLock()) {
            return 0;
        }
        try {
            long pages = 0;
            for (GemObject bo : device.gem().objects(null)) {
                if (device.gem().purgeable(bo)) {
                    pages += bo.pageCount();
                }
            }
            return pages;
        } finally {
            lock.unlock();
        }
    }

    /** Purges DONTNEED BOs for the host, as the driver's shrinker does; gives up if the device lock is busy. */
    @Override
    public long shrinkScan(DeviceContext device, long nrPages) {
        ReentrantLock lock = device.lock();
        if (lock.isHeldByCurrentThread() || !lock.tryLock()) {
            return accelmm.api.mm.Shrinker.SHRINK_STOP;
        }
        try {
            return shrink(device, nrPages);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(DeviceFile file) {
        ReentrantLock lock = file.device().lock();
        List<Runnable> after = new ArrayList<>();
        lock.lock();
        try {
            for (GemObject bo : file.device().gem().objects(file)) {
                free(bo, after);
            }
            file.device().asidSlots().release(file.id());
            IoPgtable pt = Bos.pgtableIfAny(file);
            if (pt != null) {
                file.device().freePgtable(pt);
            }
        } finally {
            lock.unlock();
            after.forEach(Runnable::run);
        }
    }
}
