package accelmm.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceImport;
import accelmm.api.dma.DmaBuf;
import accelmm.api.gem.Gem;
import accelmm.api.gem.GemObject;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.idr.Idr;
import accelmm.api.mm.Block;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.SharedFile;

/**
 * A device's GEM objects: the handle table (the device registry {@code bos}) and the GEM-shmem,
 * TTM-move and PRIME helpers over the device's tracked shmem files, pins, blocks and dma-bufs.
 *
 * <p>Concurrency: as {@link Gem}; the table is a lock-free IDR for lookups.
 */
final class DeviceGem implements Gem {
    private static final long PAGE = PageSize.PAGE_SIZE;
    private final DeviceImpl dev;

    DeviceGem(DeviceImpl dev) {
        this.dev = dev;
    }

    private Idr<GemObject> table() {
        return dev.idr("bos", 1);
    }

    @Override
    public GemObject createShmem(DeviceFile file, String name, long size, int flags) {
        long bytes = pages(size);
        GemObject obj = new GemObject(file, bytes, flags);
        obj.shmem(dev.shmem(file, name, bytes));
        obj.lastUse(System.nanoTime());
        return obj;
    }

    @Override
    public GemObject createVram(DeviceFile file, long size, int flags) {
        long bytes = pages(size);
        if (dev.memory() == null) {
            throw Errno.ENODEV.exception(dev.name() + " has no memory");
        }
        GemObject obj = new GemObject(file, bytes, flags);
        try {
            obj.vram(dev.allocBlocks(0, dev.memory().info().size(), bytes, PAGE, 0));
        } catch (ErrnoException e) {
            throw Errno.ENOMEM.exception(dev.name() + " memory is full: " + e.getMessage());
        }
        obj.lastUse(System.nanoTime());
        return obj;
    }

    @Override
    public GemObject createImport(DeviceFile file, DeviceImport imported, int flags) {
        GemObject obj = new GemObject(file, (long) imported.pages().length * PAGE, flags);
        obj.imported(imported);
        obj.lastUse(System.nanoTime());
        return obj;
    }

    private static long pages(long size) {
        if (size < 1) {
            throw Errno.EINVAL.exception("a GEM object of " + size + " bytes");
        }
        return (size + PAGE - 1) & ~(PAGE - 1);
    }

    @Override
    public int handleCreate(GemObject obj) {
        int h = table().alloc(obj, 1, 0);
        obj.handle(h);
        return h;
    }

    @Override
    public GemObject lookup(DeviceFile file, int handle) {
        GemObject obj = find(handle);
        if (obj == null || obj.file() != file) {
            throw Errno.ENOENT.exception("no BO " + handle + " in this file");
        }
        return obj;
    }

    @Override
    public GemObject find(int handle) {
        return handle < 1 ? null : table().find(handle);
    }

    @Override
    public List<GemObject> objects(DeviceFile file) {
        List<GemObject> out = new ArrayList<>();
        table().forEach((id, obj) -> {
            if (obj != null && (file == null || obj.file() == file)) {
                out.add(obj);
            }
            return 0;
        });
        return out;
    }

    @Override
    public PinnedPages pin(GemObject obj, long firstPage, int count) {
        if (obj.shmem() == null || firstPage < 0 || count < 1 || firstPage + count > obj.pageCount()) {
            throw Errno.EINVAL.exception("cannot pin pages [" + firstPage + ", +" + count + ") of " + obj);
        }
        PinnedPages got = obj.pins().get(firstPage);
        if (got != null) {
            if (got.pfns().length != count) {
                throw Errno.EINVAL.exception("pages from " + firstPage + " of " + obj + " are pinned as " + got.pfns().length
                        + ", not " + count);
            }
            return got;
        }
        PinnedPages p = dev.pinShmem(obj.file(), obj.shmem(), firstPage, count);
        obj.pinsForUpdate().put(firstPage, p);
        return p;
    }

    @Override
    public void unpin(GemObject obj, long firstPage) {
        PinnedPages p = obj.pinsForUpdate().remove(firstPage);
        if (p != null) {
            p.unpin();
        }
    }

    @Override
    public long[] pagePhys(GemObject obj) {
        if (obj.imported() != null) {
            return obj.imported().pages();
        }
        long[] out = new long[obj.pageCount()];
        if (obj.vram() != null) {
            int i = 0;
            for (Block b : obj.vram()) {
                for (long o = b.offset(); o < b.end(); o += PAGE) {
                    out[i++] = PhysAddr.of(dev.memory().id(), 0, o);
                }
            }
            return out;
        }
        for (Map.Entry<Long, PinnedPages> e : obj.pins().entrySet()) {
            PinnedPages p = e.getValue();
            long[] pfns = p.pfns();
            for (int i = 0; i < pfns.length; i++) {
                out[(int) (e.getKey() + i)] = PhysAddr.of(p.node(), pfns[i], 0);
            }
        }
        return out;
    }

    @Override
    public boolean madvise(GemObject obj, int madv) {
        if (madv != GemObject.MADV_WILLNEED && madv != GemObject.MADV_DONTNEED) {
            throw Errno.EINVAL.exception("madvise " + madv);
        }
        if (!obj.purged()) {
            obj.madv(madv);
        }
        return !obj.purged();
    }

    @Override
    public boolean purgeable(GemObject obj) {
        return obj.madv() == GemObject.MADV_DONTNEED && obj.shmem() != null && !obj.shared();
    }

    @Override
    public void purge(GemObject obj) {
        unpinAll(obj);
        obj.shmem().close();
        obj.shmem(dev.shmem(obj.file(), "purged", obj.size()));
        obj.madv(GemObject.MADV_PURGED);
    }

    private static void unpinAll(GemObject obj) {
        obj.pins().values().forEach(PinnedPages::unpin);
        obj.pinsForUpdate().clear();
    }

    @Override
    public void moveToSystem(GemObject obj, Consumer<long[]> remap) {
        if (obj.vram() == null) {
            throw Errno.EINVAL.exception(obj + " is not in device memory");
        }
        long[] from = pagePhys(obj);
        SharedFile shmem = dev.shmem(obj.file(), "gem-evicted", obj.size());
        PinnedPages pins;
        try {
            pins = dev.pinShmem(obj.file(), shmem, 0, obj.pageCount());
        } catch (ErrnoException e) {
            shmem.close();
            throw e;
        }
        long[] to = new long[from.length];
        long[] pfns = pins.pfns();
        for (int i = 0; i < from.length; i++) {
            to[i] = PhysAddr.of(pins.node(), pfns[i], 0);
            dev.memoryManager().copyPage(MigratePfn.of(PhysAddr.node(from[i]), PhysAddr.pfn(from[i])),
                    MigratePfn.of(pins.node(), pfns[i]));
        }
        remap.accept(to);
        dev.freeBlocks(obj.vram());
        obj.vram(null);
        obj.shmem(shmem);
        obj.pinsForUpdate().put(0L, pins);
        obj.evicted(true);
        obj.policyBlock().moved(dev.cost().nowNanos());
        dev.cost().transfer(obj.file().process().pid(), accelmm.api.cost.CostCategory.EVICTION, obj.size());
        dev.count("move.bytes_to_host", obj.size());
    }

    @Override
    public DeviceImport free(GemObject obj) {
        if (obj.handle() > 0) {
            table().remove(obj.handle());
        }
        if (obj.vram() != null) {
            dev.freeBlocks(obj.vram());
            obj.vram(null);
        }
        unpinAll(obj);
        if (obj.export() != null) {
            obj.export().objectFreed();
        } else if (obj.shmem() != null) {
            obj.shmem().close();
        }
        DeviceImport imp = obj.imported();
        obj.imported(null);
        return imp;
    }

    @Override
    public int primeHandleToFd(DeviceFile file, int handle, int fdFlags, long cookie) {
        GemObject obj = lookup(file, handle);
        if (obj.vram() != null) {
            throw Errno.EINVAL.exception(obj + " is in device memory; move it to system memory to export it");
        }
        return dev.dmaBufs().primeFd(DeviceImpl.own(file, dev), fdFlags, obj.imported(), obj.export(), () -> {
            var x = dev.exportShmem(file, obj.shmem(), cookie);
            obj.export(x);
            return x;
        });
    }

    @Override
    public int primeFdToHandle(DeviceFile file, int fd, Function<DeviceImport, GemObject> bind) {
        DmaBuf buf = dev.dma().get(file.process().fds(), fd);
        Integer known;
        try {
            known = handleOf(file, buf);
        } finally {
            buf.put();
        }
        if (known != null) {
            return known;
        }
        DeviceImport imp = dev.importDmaBuf(file, fd);
        try {
            dev.lock().lock();
            try {
                known = handleOf(file, imp.dmaBuf());
                if (known == null) {
                    return handleCreate(bind.apply(imp));
                }
            } finally {
                dev.lock().unlock();
            }
        } catch (RuntimeException e) {
            imp.release();
            throw e;
        }
        imp.release();
        return known;
    }

    /** The handle this file has for {@code buf}: an import of it, or the object it exports. */
    private Integer handleOf(DeviceFile file, DmaBuf buf) {
        for (GemObject obj : objects(file)) {
            if (obj.imported() != null && obj.imported().dmaBuf() == buf
                    || obj.export() != null && obj.export().dmaBuf() == buf && !buf.released()) {
                return obj.handle();
            }
        }
        return null;
    }
}
