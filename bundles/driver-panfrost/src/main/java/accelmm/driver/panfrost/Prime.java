package accelmm.driver.panfrost;

import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceImport;
import accelmm.api.dma.DmaBuf;
import accelmm.api.mm.SharedFile;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.DrmMmNode;
import accelmm.api.uapi.drm.Drm;
import accelmm.api.uapi.drm.PrimeFdToHandle;
import accelmm.api.uapi.drm.PrimeHandleToFd;
import accelmm.api.uapi.panfrost.Panfrost;

/**
 * PRIME for Panfrost ({@code drm_prime.c} with the GEM-shmem helpers): a BO exported as a dma-buf,
 * a dma-buf imported as a BO. An exported BO keeps its one dma-buf (exporting it again gives a new
 * descriptor of it), cannot be purged, and outlives its handle while the buffer lives. An imported
 * BO is attached and mapped once, at import, and gets a no-exec GPU address over the pages its
 * mapping reaches; exporting it gives the original buffer back. A heap BO exports, but nothing
 * can attach to it: its pages cannot be pinned ({@code panfrost_gem_pin}).
 *
 * <p>An imported BO holds {@code import}, an exported one {@code export}.
 *
 * <p>Concurrency: export runs under the device lock. Import attaches and maps before it takes the
 * device lock, since an exporter's attach may take its own device lock under the buffer's
 * reservation lock. The callbacks take no lock: attach reads the heap flag from the export's
 * cookie, and a released export is simply found released the next time.
 */
final class Prime {
    private Prime() {
    }

    /** {@code DRM_IOCTL_PRIME_HANDLE_TO_FD}; under the device lock. */
    static int handleToFd(DeviceFile file, Bos bos, PrimeHandleToFd p) {
        int fdFlags = Drm.primeFdFlags(p.flags());
        Map<String, Object> bo = bos.owned(file, p.handle());
        return file.device().primeFd(file, fdFlags, (DeviceImport) bo.get("import"), (DeviceExport) bo.get("export"), () -> {
            DeviceExport x = file.device().exportShmem(file, (SharedFile) bo.get("shmem"),
                    cookie(p.handle(), (Integer) bo.get("flags")));
            bo.put("export", x);
            return x;
        });
    }

    /** {@code DRM_IOCTL_PRIME_FD_TO_HANDLE}; takes the device lock itself. */
    static int fdToHandle(DeviceFile file, Bos bos, PrimeFdToHandle p) {
        DmaBuf buf = file.device().dma().get(file.process().fds(), p.fd());
        Integer known;
        try {
            known = lookup(file, bos, buf);
        } finally {
            buf.put();
        }
        if (known != null) {
            return known;
        }
        DeviceImport imp = file.device().importDmaBuf(file, p.fd());
        try {
            ReentrantLock lock = bos.lock();
            lock.lock();
            try {
                known = lookup(file, bos, imp.dmaBuf());
                if (known == null) {
                    return bind(file, bos, imp);
                }
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException e) {
            imp.release();
            throw e;
        }
        imp.release();
        return known;
    }

    /** The handle this file has for {@code buf}: an import of it, or the BO it exports. */
    private static Integer lookup(DeviceFile file, Bos bos, DmaBuf buf) {
        Integer[] found = {null};
        bos.all().forEach((id, bo) -> {
            if (found[0] == null && bo != null && (Long) bo.get("file") == file.id()
                    && (bo.get("import") instanceof DeviceImport i && i.dmaBuf() == buf || bo.get("export") instanceof DeviceExport x && x.dmaBuf() == buf
                            && !buf.released())) {
                found[0] = (int) id;
            }
            return 0;
        });
        return found[0];
    }

    /** Gives an imported buffer a GPU address and a handle; under the device lock. */
    private static int bind(DeviceFile file, Bos bos, DeviceImport imp) {
        long[] pages = imp.pages();
        long size = pages.length * PanfrostDriver.PAGE;
        DrmMm va = Bos.va(file);
        long align = size >= Panfrost.HEAP_BLOCK ? Panfrost.HEAP_BLOCK : 0;
        DrmMmNode node = va.insertNode(size, align, 1, Panfrost.VA_START, Panfrost.VA_END, DrmMm.Mode.BEST);
        try {
            Bos.pgtable(file).mapEach(node.start(), pages, PanfrostDriver.PAGE, PanfrostDriver.prot(Panfrost.BO_NOEXEC));
        } catch (ErrnoException e) {
            va.removeNode(node);
            throw e;
        }
        Map<String, Object> bo = new java.util.HashMap<>();
        bo.put("file", (long) file.id());
        bo.put("size", size);
        bo.put("flags", Panfrost.BO_NOEXEC);
        bo.put("va", node.start());
        bo.put("node", node);
        bo.put("purged", false);
        bo.put("import", imp);
        int handle = bos.all().alloc(bo, 1, 0);
        file.device().count("panfrost.prime_import", 1);
        return handle;
    }

    /** The export cookie of a BO: its flags above its handle, so attach can tell a heap without the BO table. */
    static long cookie(int handle, int flags) {
        return (long) flags << 32 | handle;
    }

    /** A heap BO refuses attachments: its pages cannot be pinned. */
    static void attach(DeviceExport export) {
        if (((int) (export.cookie() >>> 32) & Panfrost.BO_HEAP) != 0) {
            throw Errno.EINVAL.exception("a heap BO cannot be pinned, so it cannot be attached");
        }
    }
}
