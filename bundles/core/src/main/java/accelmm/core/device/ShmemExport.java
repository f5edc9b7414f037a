package accelmm.core.device;

import java.util.IdentityHashMap;
import java.util.Map;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaBufOps;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.SharedFile;

/**
 * A shmem-backed object exported as a dma-buf ({@code drm_gem_prime_export} over the GEM-shmem
 * helpers): attach asks the driver, then pins the pages ({@code drm_gem_map_attach} with
 * {@code drm_gem_pin}); map is those pages on the importer's IOMMU ({@code drm_gem_map_dma_buf});
 * a process's mmap maps the same shmem ({@code drm_gem_prime_mmap}). The object lives while the
 * driver holds it or the buffer does: its shmem closes when both have let go, and goes back to
 * its file when the buffer goes first.
 *
 * <p>Concurrency: the pins are guarded by this object; attach, detach and map run under the
 * buffer's reservation lock.
 */
final class ShmemExport {
    /** Segments are merged up to this when the pages are put in a table, as {@code sg_alloc_table_from_pages}. */
    private static final long MAX_SEGMENT = 0xFFFF_FFFFL & PageSize.PAGE_MASK;

    private final DeviceDmaBufs device;
    private final DeviceFileImpl file;
    private final DeviceExportImpl export;
    private final SharedFile shmem;
    private final Dma dma;
    private final Map<DmaBufAttachment, PinnedPages> pins = new IdentityHashMap<>();
    private boolean objectFreed;
    private boolean released;

    ShmemExport(DeviceDmaBufs device, DeviceFileImpl file, DeviceExportImpl export, SharedFile shmem, Dma dma) {
        this.device = device;
        this.file = file;
        this.export = export;
        this.shmem = shmem;
        this.dma = dma;
    }

    DmaBufOps ops() {
        return new DmaBufOps(this::attach, this::detach, null, null, this::map,
                (a, table, dir) -> a.device().unmapSg(table), this::release, false, this::mmap, null, null);
    }

    private void attach(DmaBufAttachment a) {
        device.exportCall(export, d -> {
            d.dmaBufAttach(export, a);
            return null;
        });
        PinnedPages p = shmem.pinPages(0, (int) ((shmem.size() + PageSize.PAGE_SIZE - 1) / PageSize.PAGE_SIZE));
        synchronized (this) {
            pins.put(a, p);
        }
    }

    private void detach(DmaBufAttachment a) {
        PinnedPages p;
        synchronized (this) {
            p = pins.remove(a);
        }
        if (p != null) {
            p.unpin();
        }
    }

    private SgTable map(DmaBufAttachment a, DmaDirection dir) {
        if (export.revoked) {
            throw Errno.ENODEV.exception(export.device().name() + " revoked the buffer");
        }
        PinnedPages p;
        synchronized (this) {
            p = pins.get(a);
        }
        return a.device().mapSg(dma.sgFromPages(p.globalPfns(), 0, shmem.size(), MAX_SEGMENT), dir);
    }

    private long mmap(DmaBuf buf, AddressSpace mm, long addr, long length, int prot, int flags, long offset,
            boolean writeAccess) {
        return mm.mmap(addr, length, prot, flags, shmem, offset, writeAccess);
    }

    private void release() {
        try {
            device.releaseExport(export);
        } finally {
            boolean freed;
            synchronized (this) {
                released = true;
                freed = objectFreed;
            }
            // A live object goes back to its file, which closes it at release as any shmem of it.
            if (freed || export.revoked || !file.track(shmem)) {
                shmem.close();
            }
        }
    }

    void objectFreed() {
        boolean close;
        synchronized (this) {
            close = released;
            objectFreed = true;
        }
        if (close) {
            shmem.close();
        }
    }
}
