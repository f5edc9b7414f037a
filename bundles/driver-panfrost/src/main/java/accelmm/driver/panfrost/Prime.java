package accelmm.driver.panfrost;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceImport;
import accelmm.api.gem.GemObject;
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
 * <p>Concurrency: export runs under the device lock; import takes it itself, after attaching. The
 * attach callback takes no lock: it reads the heap flag from the export's cookie.
 */
final class Prime {
    private Prime() {
    }

    /** {@code DRM_IOCTL_PRIME_HANDLE_TO_FD}; under the device lock. */
    static int handleToFd(DeviceFile file, PrimeHandleToFd p) {
        int fdFlags = Drm.primeFdFlags(p.flags());
        GemObject bo = file.device().gem().lookup(file, p.handle());
        return file.device().gem().primeHandleToFd(file, p.handle(), fdFlags, cookie(p.handle(), bo.flags()));
    }

    /** {@code DRM_IOCTL_PRIME_FD_TO_HANDLE}; takes the device lock itself. */
    static int fdToHandle(DeviceFile file, PrimeFdToHandle p) {
        return file.device().gem().primeFdToHandle(file, p.fd(), imp -> bind(file, imp));
    }

    /** Gives an imported buffer a GPU address; under the device lock. */
    private static GemObject bind(DeviceFile file, DeviceImport imp) {
        GemObject bo = file.device().gem().createImport(file, imp, Panfrost.BO_NOEXEC);
        DrmMm va = Bos.va(file);
        long align = bo.size() >= Panfrost.HEAP_BLOCK ? Panfrost.HEAP_BLOCK : 0;
        DrmMmNode node = va.insertNode(bo.size(), align, 1, Panfrost.VA_START, Panfrost.VA_END, DrmMm.Mode.BEST);
        try {
            Bos.pgtable(file).mapEach(node.start(), imp.pages(), PanfrostDriver.PAGE, PanfrostDriver.prot(Panfrost.BO_NOEXEC));
        } catch (ErrnoException e) {
            va.removeNode(node);
            throw e;
        }
        bo.va(node);
        file.device().count("panfrost.prime_import", 1);
        return bo;
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
