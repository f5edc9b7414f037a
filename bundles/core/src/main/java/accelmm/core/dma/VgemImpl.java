package accelmm.core.dma;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.Errno;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.SgTable;
import accelmm.api.dma.Vgem;
import accelmm.api.mm.FdTable;

/**
 * The {@link Vgem} importer: each open file keeps its imports by handle.
 *
 * <p>Concurrency: a file's handles are guarded by the file; DMA runs without it.
 */
@Component(service = Vgem.class)
public final class VgemImpl implements Vgem {
    /** The largest DMA segment of the importer's device. */
    private static final long MAX_SEG = 0xffffffffL;

    /** An open file of the device: its handles, lowest free from 1. */
    private static final class VgemFile implements AutoCloseable {
        private final Map<Integer, StaticImport> handles = new TreeMap<>();
        private boolean closed;

        synchronized StaticImport get(int handle) {
            StaticImport i = handles.get(handle);
            if (i == null) {
                throw Errno.ENOENT.exception("no vgem handle " + handle);
            }
            return i;
        }

        synchronized Integer find(DmaBuf buf) {
            for (Map.Entry<Integer, StaticImport> e : handles.entrySet()) {
                if (e.getValue().buf() == buf) {
                    return e.getKey();
                }
            }
            return null;
        }

        synchronized int add(StaticImport i) {
            if (closed) {
                throw Errno.EBADF.exception("the vgem file is closed");
            }
            int h = 1;
            while (handles.containsKey(h)) {
                h++;
            }
            handles.put(h, i);
            return h;
        }

        synchronized StaticImport remove(int handle) {
            return handles.remove(handle);
        }

        @Override
        public void close() {
            List<StaticImport> all;
            synchronized (this) {
                closed = true;
                all = new ArrayList<>(handles.values());
                handles.clear();
            }
            for (StaticImport i : all) {
                i.release();
            }
        }

        @Override
        public String toString() {
            return "/dev/dri/vgem";
        }
    }

    private final Dma dma;
    private DmaDevice device;

    /** Creates the importer over the DMA service. */
    @Activate
    public VgemImpl(@Reference Dma dma) {
        this.dma = dma;
    }

    private synchronized DmaDevice device() {
        if (device == null) {
            device = dma.devices().contains(DEVICE) ? dma.device(DEVICE) : dma.createDevice(DEVICE, MAX_SEG, null);
        }
        return device;
    }

    @Override
    public int open(FdTable table) {
        if (table == null) {
            throw Errno.EINVAL.exception("no descriptor table");
        }
        device();
        return table.install(new VgemFile());
    }

    private static VgemFile file(FdTable table, int vgemFd) {
        if (table == null) {
            throw Errno.EINVAL.exception("no descriptor table");
        }
        if (!(table.get(vgemFd) instanceof VgemFile f)) {
            throw Errno.ENOTTY.exception("descriptor " + vgemFd + " is not the vgem device");
        }
        return f;
    }

    @Override
    public int primeFdToHandle(FdTable table, int vgemFd, int dmabufFd) {
        VgemFile f = file(table, vgemFd);
        DmaBuf buf = dma.get(table, dmabufFd);
        Integer known = f.find(buf);
        if (known != null) {
            buf.put();
            return known;
        }
        StaticImport i = StaticImport.attach(buf, device());
        try {
            return f.add(i);
        } catch (RuntimeException e) {
            i.release();
            throw e;
        }
    }

    @Override
    public SgTable table(FdTable table, int vgemFd, int handle) {
        return file(table, vgemFd).get(handle).table();
    }

    @Override
    public void read(FdTable table, int vgemFd, int handle, long offset, byte[] dst, int off, int len) {
        device().dmaRead(file(table, vgemFd).get(handle).table(), offset, dst, off, len);
    }

    @Override
    public void write(FdTable table, int vgemFd, int handle, long offset, byte[] src, int off, int len) {
        device().dmaWrite(file(table, vgemFd).get(handle).table(), offset, src, off, len);
    }

    @Override
    public void gemClose(FdTable table, int vgemFd, int handle) {
        StaticImport i = file(table, vgemFd).remove(handle);
        if (i == null) {
            throw Errno.EINVAL.exception("no vgem handle " + handle);
        }
        i.release();
    }
}
