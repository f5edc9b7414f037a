package accelmm.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.GupFlags;
import accelmm.api.notifier.NotifierRange;

/** A test driver: keeps strings in a device registry, pins, watches ranges and exports memory. */
class EchoDriver implements DeviceDriver {
    record Put(String value) {
    }

    record Get(int id) {
    }

    record Pin(long addr, int pages) {
    }

    record Watch(long addr, long length) {
    }

    record Export(long size) {
    }

    final String name;
    final AtomicInteger binds = new AtomicInteger();
    final AtomicInteger unbinds = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();
    final List<NotifierRange> invalidations = new ArrayList<>();

    EchoDriver(String name) {
        this.name = name;
    }

    volatile boolean bound;

    @Override
    public void bind(DeviceContext device) {
        binds.incrementAndGet();
        bound = true;
    }

    @Override
    public void unbind(DeviceContext device) {
        unbinds.incrementAndGet();
        bound = false;
    }

    @Override
    public Object ioctl(DeviceFile file, Object request) {
        if (!bound) {
            throw new IllegalStateException(name + " called while not bound");
        }
        Object reply = handle(file, request);
        if (!bound) {
            throw new IllegalStateException(name + " unbound during a call");
        }
        return reply;
    }

    private Object handle(DeviceFile file, Object request) {
        DeviceContext dev = file.device();
        if (request instanceof Put p) {
            return dev.<String>idr("objects", 1).alloc(p.value(), 1, 0);
        }
        if (request instanceof Get g) {
            String v = dev.<String>idr("objects", 1).find(g.id());
            if (v == null) {
                throw Errno.ENOENT.exception("no object " + g.id());
            }
            return name + ":" + v;
        }
        if (request instanceof Pin p) {
            return dev.pin(file, file.process().mm(), p.addr(), p.pages(), GupFlags.WRITE);
        }
        if (request instanceof Watch w) {
            return dev.insertNotifier(file, file.process().mm(), w.addr(), w.length(), 7);
        }
        if (request instanceof Export x) {
            DeviceExport e = dev.exportDmaBuf(file, x.size(), 9);
            return dev.dma().fd(e.dmaBuf(), file.process().fds(), 0);
        }
        throw Errno.ENOTTY.exception("unknown request " + request);
    }

    @Override
    public void release(DeviceFile file) {
        releases.incrementAndGet();
    }

    @Override
    public synchronized boolean invalidate(DeviceNotifier notifier, NotifierRange range, long seq) {
        invalidations.add(range);
        notifier.setSeq(seq);
        return true;
    }

    @Override
    public SgTable dmaBufMap(DeviceExport export, DmaBufAttachment attachment, DmaDirection dir) {
        long[] pages = export.device().allocBlocks(0, export.device().memory().info().size(), 1L << 21, 1L << 21, 0).stream()
                .mapToLong(b -> accelmm.api.mm.PhysAddr.of(export.device().memory().id(), 0, b.offset())).toArray();
        return export.device().dma().dmaOnlyFromDevicePages(pages, 1L << 21, export.dmaBuf().size(),
                attachment.device().maxSegSize());
    }
}
