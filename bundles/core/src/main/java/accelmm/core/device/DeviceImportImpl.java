package accelmm.core.device;

import java.util.concurrent.atomic.AtomicBoolean;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceImport;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.SgEntry;
import accelmm.api.dma.SgTable;
import accelmm.core.dma.StaticImport;

/**
 * An imported dma-buf of a device file: a {@link StaticImport} the file tracks, released once.
 *
 * <p>Concurrency: {@link #release()} runs its work once, whoever calls it first.
 */
final class DeviceImportImpl implements DeviceImport {
    private final StaticImport imported;
    private final DeviceFileImpl file;
    private final AtomicBoolean released = new AtomicBoolean();

    private DeviceImportImpl(StaticImport imported, DeviceFileImpl file) {
        this.imported = imported;
        this.file = file;
    }

    /** Attaches and maps a buffer the caller holds a reference on; on failure drops it and leaves nothing. */
    static DeviceImportImpl attach(DmaBuf buf, DeviceImpl device, DeviceFileImpl file) {
        return new DeviceImportImpl(StaticImport.attach(buf, device.dmaDevice()), file);
    }

    @Override
    public DmaBuf dmaBuf() {
        return imported.buf();
    }

    @Override
    public DmaBufAttachment attachment() {
        return imported.attachment();
    }

    @Override
    public SgTable table() {
        return imported.table();
    }

    @Override
    public long[] pages() {
        long size = (imported.buf().size() + PageSize.PAGE_SIZE - 1) & PageSize.PAGE_MASK;
        long[] out = new long[(int) (size / PageSize.PAGE_SIZE)];
        int i = 0;
        for (SgEntry e : imported.table().entries()) {
            for (long o = 0; o < e.length() && i < out.length; o += PageSize.PAGE_SIZE) {
                out[i++] = imported.attachment().device().iovaToPhys(e.dmaAddress() + o);
            }
        }
        if (i < out.length) {
            throw Errno.EINVAL.exception("the mapping of " + imported.buf() + " covers only " + i + " pages");
        }
        return out;
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            file.untrack(this);
            imported.release();
        }
    }

    @Override
    public String toString() {
        return "import of " + imported.buf();
    }
}
