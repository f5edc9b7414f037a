package accelmm.driver.xe;

import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.gem.GemObject;
import accelmm.api.uapi.drm.Drm;
import accelmm.api.uapi.drm.PrimeFdToHandle;
import accelmm.api.uapi.drm.PrimeHandleToFd;
import accelmm.api.uapi.xe.Xe;

/**
 * PRIME for Xe ({@code xe_dma_buf.c}): a BO exported as a dma-buf and a dma-buf imported as a BO
 * that VM_BIND maps like any other. A VRAM BO moves to system memory when it is first exported,
 * as Xe migrates it to TT for an importer without peer-to-peer (every importer here is treated
 * so), and stays there. An exported BO keeps its one dma-buf and outlives its handle while the
 * buffer lives; an imported BO is attached and mapped once, at import, and exporting it gives the
 * original buffer back. Importing a buffer the same file holds gives the same handle.
 *
 * <p>Concurrency: export runs under the device lock; import takes it itself, after attaching.
 */
final class XePrime {
    private XePrime() {
    }

    /** {@code DRM_IOCTL_PRIME_HANDLE_TO_FD}; under the device lock. */
    static Integer handleToFd(DeviceFile file, PrimeHandleToFd p) {
        int fdFlags = Drm.primeFdFlags(p.flags());
        DeviceContext dev = file.device();
        GemObject bo = dev.gem().lookup(file, p.handle());
        if (bo.vram() != null) {
            XeBos.evictToSystem(dev, bo);
        }
        return dev.gem().primeHandleToFd(file, p.handle(), fdFlags, p.handle());
    }

    /** {@code DRM_IOCTL_PRIME_FD_TO_HANDLE}; takes the device lock itself. */
    static Integer fdToHandle(DeviceFile file, PrimeFdToHandle p) {
        return file.device().gem().primeFdToHandle(file, p.fd(), imp -> {
            file.device().count("xe.prime_import", 1);
            return file.device().gem().createImport(file, imp, Xe.LOC_SYSTEM);
        });
    }
}
