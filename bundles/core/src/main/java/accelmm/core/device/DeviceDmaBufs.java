package accelmm.core.device;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceImport;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufOps;

/**
 * A device's dma-bufs: the buffers it exported, whose operations go to whichever driver is bound
 * (or, for shmem objects, are done by the core), the buffers its files imported, and PRIME's
 * descriptors. An unplug revokes the exports.
 *
 * <p>Concurrency: the export set is synchronized; driver operations enter the device's call gate
 * as callbacks.
 */
final class DeviceDmaBufs {
    private final DeviceImpl device;
    private final Dma dma;
    private final Set<DeviceExportImpl> exports = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    DeviceDmaBufs(DeviceImpl device, Dma dma) {
        this.device = device;
        this.dma = dma;
    }

    /** See {@link DeviceImpl#exportDmaBuf}. */
    DeviceExport exportDmaBuf(DeviceFileImpl f, long size, long cookie) {
        DeviceExportImpl x = new DeviceExportImpl(device, cookie, device.gate.generation());
        DmaBufOps ops = new DmaBufOps(
                a -> exportCall(x, d -> {
                    d.dmaBufAttach(x, a);
                    return null;
                }),
                null, null, null,
                (a, dir) -> exportCall(x, d -> d.dmaBufMap(x, a, dir)),
                (a, t, dir) -> {
                    if (!x.revoked) {
                        exportCall(x, d -> {
                            d.dmaBufUnmap(x, a, t, dir);
                            return null;
                        });
                    }
                },
                () -> releaseExport(x), false);
        x.buf = dma.export(device.spec().kind(), size, x, ops);
        exports.add(x);
        device.count("dmabuf.export", 1);
        return x;
    }

    /** See {@link DeviceImpl#exportShmem}. */
    DeviceExport exportShmem(DeviceFileImpl f, accelmm.api.mm.SharedFile shmem, long cookie) {
        if (shmem == null || !f.untrack(shmem)) {
            throw Errno.EINVAL.exception("not a shmem object of " + f);
        }
        DeviceExportImpl x = new DeviceExportImpl(device, cookie, device.gate.generation());
        ShmemExport s = new ShmemExport(this, f, x, shmem, dma);
        x.shmem = s;
        try {
            x.buf = dma.export(device.spec().kind(), shmem.size(), x, s.ops());
        } catch (RuntimeException e) {
            if (!f.track(shmem)) {
                shmem.close();
            }
            throw e;
        }
        exports.add(x);
        device.count("dmabuf.export", 1);
        return x;
    }

    /** See {@link DeviceImpl#importDmaBuf}. */
    DeviceImport importDmaBuf(DeviceFileImpl f, int fd) {
        DeviceImportImpl i = DeviceImportImpl.attach(dma.get(f.process().fds(), fd), device, f);
        if (!f.track(i)) {
            i.release();
            throw Errno.ENODEV.exception(f + " was closed meanwhile");
        }
        device.count("dmabuf.import", 1);
        return i;
    }

    /** See {@link DeviceImpl#primeFd}. */
    int primeFd(DeviceFileImpl f, int fdFlags, DeviceImport imported, DeviceExport exported,
            java.util.function.Supplier<DeviceExport> export) {
        DmaBuf buf = imported != null ? imported.dmaBuf() : exported != null ? exported.dmaBuf() : null;
        if (buf == null || !tryGet(buf)) {
            buf = export.get().dmaBuf();
        }
        try {
            return dma.fd(buf, f.process().fds(), fdFlags);
        } catch (RuntimeException e) {
            buf.put();
            throw e;
        }
    }

    /** Takes a reference unless the buffer is already being released. */
    private static boolean tryGet(DmaBuf buf) {
        try {
            buf.get();
            return true;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** A driver operation on an export. */
    interface ExportCall<R> {
        R apply(DeviceDriver d);
    }

    <R> R exportCall(DeviceExportImpl x, ExportCall<R> call) {
        if (x.revoked) {
            throw Errno.ENODEV.exception(device.name() + " revoked the buffer");
        }
        DeviceDriver d = device.gate.enterCallback(x.generation, true);
        if (d == null) {
            throw Errno.ENODEV.exception(device.name() + " has no driver");
        }
        try {
            return call.apply(d);
        } finally {
            device.gate.exit();
        }
    }

    void releaseExport(DeviceExportImpl x) {
        exports.remove(x);
        if (x.revoked) {
            return;
        }
        DeviceDriver d = device.gate.enterCallback(x.generation, true);
        if (d != null) {
            try {
                d.dmaBufRelease(x);
            } finally {
                device.gate.exit();
            }
        }
    }

    /** An unplug: every export is revoked and its dynamic importers told to drop their mappings. */
    void revokeAll() {
        for (DeviceExportImpl x : List.copyOf(exports)) {
            DmaBuf buf = x.buf;
            buf.resv().lock();
            try {
                x.revoked = true;
                buf.moveNotify();
            } finally {
                buf.resv().unlock();
            }
        }
    }
}
