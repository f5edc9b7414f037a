package accelmm.driver.xe;

import java.util.HashMap;
import java.util.Map;

import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceImport;
import accelmm.api.dma.DmaBuf;
import accelmm.api.mm.SharedFile;
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
 * <p>An imported BO holds {@code import}; an exported one {@code export}.
 *
 * <p>Concurrency: export runs under the device lock; import attaches and maps before it takes
 * it, since the exporter's callbacks may take its own device's lock under the buffer's
 * reservation lock.
 */
final class XePrime {
    private XePrime() {
    }

    /** {@code DRM_IOCTL_PRIME_HANDLE_TO_FD}; under the device lock. */
    static Integer handleToFd(DeviceFile file, PrimeHandleToFd p) {
        int fdFlags = Drm.primeFdFlags(p.flags());
        DeviceContext dev = file.device();
        Map<String, Object> bo = XeBos.owned(file, p.handle());
        return dev.primeFd(file, fdFlags, (DeviceImport) bo.get("import"), (DeviceExport) bo.get("export"), () -> {
            if (bo.get("blocks") != null) {
                XeBos.evictToSystem(dev, p.handle());
            }
            DeviceExport x = dev.exportShmem(file, (SharedFile) bo.get("shmem"), p.handle());
            bo.put("export", x);
            return x;
        });
    }

    /** {@code DRM_IOCTL_PRIME_FD_TO_HANDLE}; takes the device lock itself. */
    static Integer fdToHandle(DeviceFile file, PrimeFdToHandle p) {
        DeviceContext dev = file.device();
        DmaBuf buf = dev.dma().get(file.process().fds(), p.fd());
        Integer known;
        try {
            known = lookup(file, buf);
        } finally {
            buf.put();
        }
        if (known != null) {
            return known;
        }
        DeviceImport imp = dev.importDmaBuf(file, p.fd());
        try {
            XeDriver.lock(dev).lock();
            try {
                known = lookup(file, imp.dmaBuf());
                if (known == null) {
                    return add(file, imp);
                }
            } finally {
                XeDriver.lock(dev).unlock();
            }
        } catch (RuntimeException e) {
            imp.release();
            throw e;
        }
        imp.release();
        return known;
    }

    private static Integer lookup(DeviceFile file, DmaBuf buf) {
        Integer[] found = {null};
        XeBos.all(file.device()).forEach((id, bo) -> {
            if (found[0] == null && bo != null && (Long) bo.get("file") == file.id()
                    && (bo.get("import") instanceof DeviceImport i && i.dmaBuf() == buf
                            || bo.get("export") instanceof DeviceExport x && x.dmaBuf() == buf && !buf.released())) {
                found[0] = (int) id;
            }
            return 0;
        });
        return found[0];
    }

    private static Integer add(DeviceFile file, DeviceImport imp) {
        long[] pages = imp.pages();
        Map<String, Object> bo = new HashMap<>();
        bo.put("file", (long) file.id());
        bo.put("owner", file);
        bo.put("use", System.nanoTime());
        bo.put("size", pages.length * XeSvm.PAGE);
        bo.put("placement", Xe.LOC_SYSTEM);
        bo.put("binds", 0);
        bo.put("import", imp);
        file.device().count("xe.prime_import", 1);
        return XeBos.all(file.device()).alloc(bo, 1, 0);
    }
}
