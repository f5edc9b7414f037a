package accelmm.core.device;

import java.util.concurrent.atomic.AtomicBoolean;

import accelmm.api.PageSize;
import accelmm.api.device.DeviceImport;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgEntry;
import accelmm.api.dma.SgTable;

/**
 * An imported dma-buf of a device file: reference, attachment and mapping, released once.
 *
 * <p>Concurrency: {@link #release()} runs its work once, whoever calls it first.
 */
final class DeviceImportImpl implements DeviceImport {
    private final DmaBuf buf;
    private final DmaBufAttachment attachment;
    private final SgTable table;
    private final DeviceFileImpl file;
    private final AtomicBoolean released = new AtomicBoolean();

    DeviceImportImpl(DmaBuf buf, DmaBufAttachment attachment, SgTable table, DeviceFileImpl file) {
        this.buf = buf;
        this.attachment = attachment;
        this.table = table;
        this.file = file;
    }

    /** Attaches and maps a buffer the caller holds a reference on; on failure drops it and leaves nothing. */
    static DeviceImportImpl attach(DmaBuf buf, DeviceImpl device, DeviceFileImpl file) {
        DmaBufAttachment a = null;
        try {
            a = buf.attach(device.dmaDevice());
            return new DeviceImportImpl(buf, a, buf.map(a, DmaDirection.BIDIRECTIONAL), file);
        } catch (RuntimeException e) {
            if (a != null) {
                buf.detach(a);
            }
            buf.put();
            throw e;
        }
    }

    @Override
    public DmaBuf dmaBuf() {
        return buf;
    }

    @Override
    public DmaBufAttachment attachment() {
        return attachment;
    }

    @Override
    public SgTable table() {
        return table;
    }

    @Override
    public long[] pages() {
        long size = (buf.size() + PageSize.PAGE_SIZE - 1) & PageSize.PAGE_MASK;
        long[] out = new long[(int) (size / PageSize.PAGE_SIZE)];
        int i = 0;
        for (SgEntry e : table.entries()) {
            for (long o = 0; o < e.length() && i < out.length; o += PageSize.PAGE_SIZE) {
                out[i++] = attachment.device().iovaToPhys(e.dmaAddress() + o);
            }
        }
        if (i < out.length) {
            throw accelmm.api.Errno.EINVAL.exception("the mapping of " + buf + " covers only " + i + " pages");
        }
        return out;
    }

    @Override
    public void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        file.untrack(this);
        try {
            buf.unmap(attachment, table, DmaDirection.BIDIRECTIONAL);
            buf.detach(attachment);
        } finally {
            buf.put();
        }
    }

    @Override
    public String toString() {
        return "import of " + buf;
    }
}
