package accelmm.driver.habana;

import accelmm.api.Errno;
import accelmm.api.device.DeviceFile;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaBufImporterOps;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;

/**
 * The importer side: this device attaches to a dma-buf as a dynamic, p2p-capable importer, maps it
 * and copies by DMA through the table's DMA addresses only (the table may have no pages).
 *
 * <p>Concurrency: each copy takes the buffer's reservation lock around map and unmap.
 */
final class HlImport {
    private HlImport() {
    }

    static byte[] read(DeviceFile file, int fd, long offset, int length) {
        byte[] out = new byte[Math.max(0, length)];
        copy(file, fd, offset, out, false);
        return out;
    }

    static void write(DeviceFile file, int fd, long offset, byte[] data) {
        copy(file, fd, offset, data, true);
    }

    private static void copy(DeviceFile file, int fd, long offset, byte[] buf, boolean toBuffer) {
        DmaBuf dmabuf = file.device().dma().get(file.process().fds(), fd);
        try {
            if (offset < 0 || buf.length > dmabuf.size() || offset > dmabuf.size() - buf.length) {
                throw Errno.EINVAL.exception("[" + offset + ", +" + buf.length + ") is outside the " + dmabuf.size() + "-byte buffer");
            }
            DmaBufAttachment a = dmabuf.dynamicAttach(file.device().dmaDevice(), new DmaBufImporterOps(true, x -> { }), null);
            try {
                dmabuf.resv().lock();
                try {
                    SgTable t = dmabuf.map(a, toBuffer ? DmaDirection.TO_DEVICE : DmaDirection.FROM_DEVICE);
                    try {
                        if (toBuffer) {
                            file.device().dmaDevice().dmaWrite(t, offset, buf, 0, buf.length);
                        } else {
                            file.device().dmaDevice().dmaRead(t, offset, buf, 0, buf.length);
                        }
                    } finally {
                        dmabuf.unmap(a, t, toBuffer ? DmaDirection.TO_DEVICE : DmaDirection.FROM_DEVICE);
                    }
                } finally {
                    dmabuf.resv().unlock();
                }
            } finally {
                dmabuf.detach(a);
            }
            file.device().count(toBuffer ? "habana.import_write" : "habana.import_read", buf.length);
        } finally {
            dmabuf.put();
        }
    }
}
