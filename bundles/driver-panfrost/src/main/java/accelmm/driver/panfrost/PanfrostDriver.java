package accelmm.driver.panfrost;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceImport;
import accelmm.api.device.DeviceFile;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.SharedFile;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.DrmMmNode;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.mmu.IotlbGather;
import accelmm.api.uapi.drm.PrimeFdToHandle;
import accelmm.api.uapi.drm.PrimeHandleToFd;
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostFreeBo;
import accelmm.api.uapi.panfrost.PanfrostGetBoOffset;
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
 * <p>Concurrency: BO changes and jobs hold the device lock (kept in the device state across
 * driver updates); jobs of one device run one at a time, as on the job slot of the hardware.
 */
@Component(service = DeviceDriver.class, property = DeviceDriver.KIND + "=panfrost")
public final class PanfrostDriver implements DeviceDriver {
    static final long PAGE = PageSize.PAGE_SIZE;
    static final long SZ_16M = 16L << 20;

    @Override
    public Object ioctl(DeviceFile file, Object request) {
        Bos bos = new Bos(file.device());
        if (request instanceof PrimeFdToHandle p) {
            return Prime.fdToHandle(file, bos, p);
        }
        ReentrantLock lock = bos.lock();
        List<DeviceImport> drop = new ArrayList<>();
        lock.lock();
        try {
            if (request instanceof PanfrostCreateBo c) {
                return create(file, bos, c);
            }
            if (request instanceof PanfrostFreeBo f) {
                free(bos, f.handle(), bos.owned(file, f.handle()), file, drop);
                return null;
            }
            if (request instanceof PanfrostMmapBo m) {
                return mmap(file, bos, m);
            }
            if (request instanceof PanfrostGetBoOffset g) {
                return (Long) bos.owned(file, g.handle()).get("va");
            }
            if (request instanceof PanfrostWaitBo w) {
                if (w.pad() != 0) {
                    throw Errno.EINVAL.exception("pad must be 0");
                }
                bos.owned(file, w.handle());
                return null;
            }
            if (request instanceof PanfrostMadvise m) {
                return madvise(file, bos, m);
            }
            if (request instanceof PanfrostSubmit s) {
                return new PanfrostJobRun(file, bos).run(s);
            }
            if (request instanceof PrimeHandleToFd p) {
                return Prime.handleToFd(file, bos, p);
            }
        } finally {
            lock.unlock();
            drop.forEach(DeviceImport::release);
        }
        throw Errno.ENOTTY.exception(request.getClass().getSimpleName() + " is not an ioctl of the Panfrost driver");
    }

    private static PanfrostBo create(DeviceFile file, Bos bos, PanfrostCreateBo c) {
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
        SharedFile shmem = null;
        Map<String, Object> bo = new HashMap<>();
        try {
            shmem = file.device().shmem(file, "panfrost-bo", size);
            bo.put("file", (long) file.id());
            bo.put("size", size);
            bo.put("flags", c.flags());
            bo.put("va", node.start());
            bo.put("node", node);
            bo.put("shmem", shmem);
            bo.put("purged", false);
            if (heap) {
                bo.put("blocks", new ConcurrentHashMap<Long, PinnedPages>());
            } else {
                PinnedPages pins = pinWithShrink(file, bos, shmem, 0, (int) (size / PAGE));
                bo.put("pins", pins);
                map(Bos.pgtable(file), node.start(), pins, prot(c.flags()));
            }
        } catch (ErrnoException e) {
            Object pins = bo.get("pins");
            if (pins != null) {
                ((PinnedPages) pins).unpin();
            }
            if (shmem != null) {
                shmem.close();
            }
            va.removeNode(node);
            throw e;
        }
        int handle = bos.all().alloc(bo, 1, 0);
        file.device().count(heap ? "panfrost.heap_bo" : "panfrost.bo", 1);
        return new PanfrostBo(handle, node.start());
    }

    static int prot(int flags) {
        return IommuProt.READ | IommuProt.WRITE | ((flags & Panfrost.BO_NOEXEC) != 0 ? IommuProt.NOEXEC : 0);
    }

    /** Pins pages of a BO; when memory runs out the shrinker reclaims DONTNEED BOs and it tries once more. */
    static PinnedPages pinWithShrink(DeviceFile file, Bos bos, SharedFile shmem, long first, int count) {
        try {
            return file.device().pinShmem(file, shmem, first, count);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOMEM || shrink(bos, Long.MAX_VALUE) == 0) {
                throw e;
            }
            return file.device().pinShmem(file, shmem, first, count);
        }
    }

    /** Maps pinned pages at {@code va}, one 4 KiB entry each; a failure maps nothing. */
    static void map(IoPgtable pt, long va, PinnedPages pins, int prot) {
        long[] pas = pins.pfns().clone();
        for (int i = 0; i < pas.length; i++) {
            pas[i] = PhysAddr.of(pins.node(), pas[i], 0);
        }
        pt.mapEach(va, pas, PAGE, prot);
    }

    /** Unmaps and unpins what a BO holds; heap blocks that never faulted are skipped. */
    @SuppressWarnings("unchecked")
    static void drop(Bos bos, Map<String, Object> bo, IoPgtable pt) {
        long va = (Long) bo.get("va");
        if (Bos.heap(bo)) {
            Map<Long, PinnedPages> blocks = (Map<Long, PinnedPages>) bo.get("blocks");
            for (Map.Entry<Long, PinnedPages> b : blocks.entrySet()) {
                pt.unmapPages(b.getKey(), PAGE, Panfrost.HEAP_BLOCK / PAGE, new IotlbGather());
                b.getValue().unpin();
            }
            blocks.clear();
        } else if (bo.get("pins") != null) {
            pt.unmapPages(va, PAGE, (Long) bo.get("size") / PAGE, new IotlbGather());
            ((PinnedPages) bo.remove("pins")).unpin();
        } else if (bo.get("import") != null) {
            pt.unmapPages(va, PAGE, (Long) bo.get("size") / PAGE, new IotlbGather());
        }
    }

    /**
     * Frees a BO under the device lock; an imported buffer is added to {@code drop}, for the caller
     * to release once the lock is dropped (its exporter is another device).
     */
    private static void free(Bos bos, int handle, Map<String, Object> bo, DeviceFile file, List<DeviceImport> drop) {
        drop(bos, bo, Bos.pgtable(file));
        if (bo.get("export") instanceof DeviceExport x) {
            x.objectFreed();
        } else if (bo.get("shmem") instanceof SharedFile shmem) {
            shmem.close();
        }
        if (bo.remove("import") instanceof DeviceImport imp) {
            drop.add(imp);
        }
        Bos.va(file).removeNode((DrmMmNode) bo.get("node"));
        bos.shrinker().remove(handle);
        bos.all().remove(handle);
        file.device().count("panfrost.free", 1);
    }

    private static PanfrostMmap mmap(DeviceFile file, Bos bos, PanfrostMmapBo m) {
        if (m.flags() != 0) {
            throw Errno.EINVAL.exception("flags must be 0");
        }
        Map<String, Object> bo = bos.owned(file, m.handle());
        if (Bos.heap(bo)) {
            throw Errno.EINVAL.exception("heap BOs cannot be mapped: their pages are not pinned");
        }
        if (bo.get("import") != null) {
            throw Errno.EINVAL.exception("an imported BO is mapped through its dma-buf descriptor");
        }
        if ((Boolean) bo.get("purged")) {
            throw Errno.EINVAL.exception("the BO was purged");
        }
        return new PanfrostMmap((long) m.handle() << 32, (SharedFile) bo.get("shmem"));
    }

    private static Boolean madvise(DeviceFile file, Bos bos, PanfrostMadvise m) {
        Map<String, Object> bo = bos.owned(file, m.handle());
        if (m.madv() == Panfrost.MADV_DONTNEED) {
            if (!(Boolean) bo.get("purged")) {
                bos.shrinker().add(m.handle());
            }
        } else if (m.madv() == Panfrost.MADV_WILLNEED) {
            bos.shrinker().remove(m.handle());
        } else {
            throw Errno.EINVAL.exception("madvise " + m.madv());
        }
        return !(Boolean) bo.get("purged");
    }

    /**
     * Reclaims DONTNEED BOs until about {@code nrPages} pages came back: unmaps each, drops its
     * pages, marks it purged ({@code panfrost_gem_purge}). Under the device lock.
     *
     * @return the pages of the BOs purged
     */
    static long shrink(Bos bos, long nrPages) {
        int purged = 0;
        long pages = 0;
        for (int handle : List.copyOf(bos.shrinker())) {
            if (pages >= nrPages) {
                break;
            }
            Map<String, Object> bo = bos.all().find(handle);
            if (bo != null && !purgeable(bo)) {
                continue;
            }
            bos.shrinker().remove(handle);
            if (bo == null) {
                continue;
            }
            DeviceFile owner = bos.dev.state().get("file." + bo.get("file")) instanceof DeviceFile f ? f : null;
            if (owner == null) {
                continue;
            }
            drop(bos, bo, Bos.pgtable(owner));
            SharedFile shmem = (SharedFile) bo.get("shmem");
            shmem.close();
            bo.put("shmem", bos.dev.shmem(owner, "panfrost-purged", (Long) bo.get("size")));
            bo.put("purged", true);
            purged++;
            pages += (Long) bo.get("size") / PAGE;
        }
        bos.dev.count("panfrost.purged", purged);
        return pages;
    }

    /**
     * A DONTNEED BO can be purged unless it is already, or it is shared: an imported BO's pages
     * are its exporter's and an exported BO's are its buffer's ({@code drm_gem_shmem_is_purgeable}).
     */
    private static boolean purgeable(Map<String, Object> bo) {
        return !(Boolean) bo.get("purged") && bo.get("import") == null
                && !(bo.get("export") instanceof DeviceExport x && !x.dmaBuf().released());
    }

    @Override
    public void dmaBufAttach(DeviceExport export, accelmm.api.dma.DmaBufAttachment attachment) {
        Prime.attach(export);
    }

    /** The pages of the DONTNEED BOs not purged yet; 0 when the device lock is busy. */
    @Override
    public long shrinkCount(DeviceContext device) {
        Bos bos = new Bos(device);
        ReentrantLock lock = bos.lock();
        if (lock.isHeldByCurrentThread() || !lock.tryLock()) {
            return 0;
        }
        try {
            long pages = 0;
            for (int handle : bos.shrinker()) {
                Map<String, Object> bo = bos.all().find(handle);
                if (bo != null && purgeable(bo)) {
                    pages += (Long) bo.get("size") / PAGE;
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
        Bos bos = new Bos(device);
        ReentrantLock lock = bos.lock();
        if (lock.isHeldByCurrentThread() || !lock.tryLock()) {
            return accelmm.api.mm.Shrinker.SHRINK_STOP;
        }
        try {
            return shrink(bos, nrPages);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void open(DeviceFile file) {
        file.device().state().put("file." + file.id(), file);
    }

    @Override
    public void release(DeviceFile file) {
        Bos bos = new Bos(file.device());
        ReentrantLock lock = bos.lock();
        List<DeviceImport> drop = new ArrayList<>();
        lock.lock();
        try {
            List<Integer> mine = new ArrayList<>();
            bos.all().forEach((id, bo) -> {
                if (bo != null && (Long) bo.get("file") == file.id()) {
                    mine.add((int) id);
                }
                return 0;
            });
            for (int h : mine) {
                free(bos, h, bos.all().find(h), file, drop);
            }
            file.device().asidSlots().release(file.id());
            file.device().state().remove("file." + file.id());
            Object pt = file.state().get("pgtable");
            if (pt instanceof IoPgtable t) {
                file.device().freePgtable(t);
            }
        } finally {
            lock.unlock();
            drop.forEach(DeviceImport::release);
        }
    }
}
