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
import accelmm.api.device.IoctlTable;
import accelmm.api.device.Request;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.GupFlags;
import accelmm.api.notifier.NotifierRange;

/** A test driver: keeps strings in a device registry, pins, watches ranges and exports memory. */
class EchoDriver implements DeviceDriver {
    /** The requests the test driver answers. */
    sealed interface EchoIoctl<R> extends Request<R> permits Put, Get, Pin, Watch, Export {
    }

    record Put(String value) implements EchoIoctl<Integer> {
    }

    record Get(int id) implements EchoIoctl<String> {
    }

    record Pin(long addr, int pages) implements EchoIoctl<accelmm.api.mm.PinnedPages> {
    }

    record Watch(long addr, long length) implements EchoIoctl<DeviceNotifier> {
    }

    record Export(long size) implements EchoIoctl<Integer> {
    }

    /** A request of a family no driver here answers. */
    record Stranger() implements Request<Void> {
    }

    private final IoctlTable ioctls = ioctls();

    private IoctlTable ioctls() {
        return IoctlTable.builder("echo", EchoIoctl.class)
            .on(Put.class, (file, p) -> file.device().<String>idr("objects", 1).alloc(p.value(), 1, 0))
            .on(Get.class, (file, g) -> {
                String v = file.device().<String>idr("objects", 1).find(g.id());
                if (v == null) {
                    throw Errno.ENOENT.exception("no object " + g.id());
                }
                return name + ":" + v;
            })
            .on(Pin.class, (file, p) -> file.device().pin(file, file.process().mm(), p.addr(), p.pages(), GupFlags.WRITE))
            .on(Watch.class, (file, w) -> file.device().insertNotifier(file, file.process().mm(), w.addr(), w.length(), 7))
            .on(Export.class, (file, x) -> {
                DeviceExport e = file.device().exportDmaBuf(file, x.size(), 9);
                return file.device().dma().fd(e.dmaBuf(), file.process().fds(), 0);
            })
            .build();
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
    public <R> R ioctl(DeviceFile file, Request<R> request) {
        if (!bound) {
            throw new IllegalStateException(name + " called while not bound");
        }
        R reply = ioctls.dispatch(file, request);
        if (!bound) {
            throw new IllegalStateException(name + " unbound during a call");
        }
        return reply;
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
