package accelmm.core.device;

import accelmm.api.Errno;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.SharedFile;
import accelmm.core.gpusvm.CoreNotifiers;

/**
 * What a device's files hold through the core — pins, shmem objects, DMA mappings, notifiers — each
 * tracked by its file as it is made, so that the file's release or the device's unplug undoes
 * whatever the driver left; a file closed meanwhile gets nothing ({@code ENODEV}).
 *
 * <p>Concurrency: thread-safe; each file's tracked sets are guarded by the file.
 */
final class FileResources {
    private final DeviceImpl dev;

    FileResources(DeviceImpl dev) {
        this.dev = dev;
    }

    /**
     * The core's file behind {@code file}, which must be an open file of this device.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for another device's file; {@code ENODEV} once closed
     */
    DeviceFileImpl own(DeviceFile file) {
        if (!(file instanceof DeviceFileImpl f) || f.deviceImpl() != dev) {
            throw Errno.EINVAL.exception("not a file of " + dev.name());
        }
        if (f.closed()) {
            throw Errno.ENODEV.exception(f + " is closed");
        }
        return f;
    }

    private static void closedMeanwhile(DeviceFileImpl f, Runnable undo) {
        undo.run();
        throw Errno.ENODEV.exception(f + " was closed meanwhile");
    }

    PinnedPages pin(DeviceFile file, AddressSpace mm, long addr, int pages, int gupFlags) {
        DeviceFileImpl f = own(file);
        return tracked(f, new TrackedPins(mm.pinUserPages(addr, pages, gupFlags), f), pages);
    }

    PinnedPages pinShmem(DeviceFile file, SharedFile shmem, long first, int count) {
        DeviceFileImpl f = own(file);
        return tracked(f, new TrackedPins(shmem.pinPages(first, count), f), count);
    }

    private PinnedPages tracked(DeviceFileImpl f, TrackedPins p, int pages) {
        if (!f.track(p)) {
            closedMeanwhile(f, p::unpinReleased);
        }
        dev.count("pin.pages", pages);
        return p;
    }

    SharedFile shmem(DeviceFile file, String name, long size) {
        DeviceFileImpl f = own(file);
        SharedFile shm = dev.memoryManager().createFile(name, size, true);
        if (!f.track(shm)) {
            closedMeanwhile(f, shm::close);
        }
        return shm;
    }

    SgTable dmaMap(DeviceFile file, SgTable table, DmaDirection dir) {
        DeviceFileImpl f = own(file);
        SgTable mapped = dev.dmaDevice().mapSg(table, dir);
        if (!f.track(mapped)) {
            closedMeanwhile(f, () -> dev.dmaDevice().unmapSg(mapped));
        }
        dev.count("dma.map", 1);
        return mapped;
    }

    void dmaUnmap(DeviceFile file, SgTable mapped) {
        DeviceFileImpl f = own(file);
        if (!f.untrack(mapped)) {
            throw Errno.EINVAL.exception("the table is not mapped for " + f);
        }
        dev.dmaDevice().unmapSg(mapped);
    }

    /** Inserts a notifier of {@code file} whose invalidations go to {@code handler}. */
    DeviceNotifier insertNotifier(DeviceFile file, AddressSpace mm, long start, long length, long cookie,
            CoreNotifiers.Handler handler) {
        DeviceFileImpl f = own(file);
        DeviceNotifierImpl n = new DeviceNotifierImpl(f, cookie);
        // An invalidation may reach the notifier before insertNotifier returns: the callback hands
        // the subscription over first.
        n.sub = mm.insertNotifier(start, length, (sub, range, seq) -> {
            n.sub = sub;
            return handler.invalidate(n, range, seq);
        });
        if (!f.track(n)) {
            closedMeanwhile(f, n::removeReleased);
        }
        return n;
    }

    /** Undoes what a file held when it was released (or its device unplugged). */
    void undo(DeviceFileImpl.Held held) {
        for (DeviceImportImpl i : held.imports()) {
            dev.safely(i::release, "release an import");
        }
        for (DeviceNotifierImpl n : held.notifiers()) {
            n.removeReleased();
        }
        for (SgTable t : held.dmaMaps()) {
            dev.dmaDevice().unmapSg(t);
        }
        for (var p : held.pins()) {
            ((TrackedPins) p).unpinReleased();
        }
        for (var shm : held.files()) {
            shm.close();
        }
    }
}
