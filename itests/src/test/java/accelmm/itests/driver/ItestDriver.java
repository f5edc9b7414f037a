package accelmm.itests.driver;

import accelmm.api.Errno;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.mm.GupFlags;
import accelmm.api.mm.PinnedPages;

/**
 * A plugin driver built inside the tests. Requests are strings: {@code put:VALUE} stores a value in
 * a device registry and answers its id; {@code get:ID} answers {@code VERSION:VALUE};
 * {@code pin:ADDR:PAGES} pins pages of the caller and keeps them in the file's state;
 * {@code pt:VA} creates a device page table mapping one page at VA and answers its id;
 * {@code version} answers the driver version.
 */
public final class ItestDriver implements DeviceDriver {
    private static final accelmm.api.device.StateKey<java.util.List<PinnedPages>> PINS =
            accelmm.api.device.StateKey.ofGeneric("itest.pins", java.util.List.class);

    private final String version;
    private volatile boolean bound;

    public ItestDriver(String version) {
        this.version = version;
    }

    @Override
    public void bind(DeviceContext device) {
        bound = true;
    }

    @Override
    public void unbind(DeviceContext device) {
        bound = false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R ioctl(DeviceFile file, accelmm.api.device.Request<R> request) {
        if (!bound) {
            throw new IllegalStateException("called while unbound");
        }
        if (!(request instanceof accelmm.api.device.CommandRequest c)) {
            throw Errno.ENOTTY.exception("requests are commands");
        }
        return (R) run(file, c.command().split(":"));
    }

    private Object run(DeviceFile file, String[] p) {
        DeviceContext dev = file.device();
        switch (p[0]) {
            case "put":
                return dev.<String>idr("values", 1).alloc(p[1], 1, 0);
            case "get": {
                String v = dev.<String>idr("values", 1).find(Integer.parseInt(p[1]));
                if (v == null) {
                    throw Errno.ENOENT.exception("no value " + p[1]);
                }
                return version + ":" + v;
            }
            case "pin": {
                PinnedPages pins = dev.pin(file, file.process().mm(), Long.parseLong(p[1]), Integer.parseInt(p[2]), GupFlags.WRITE);
                file.state().computeIfAbsent(PINS, java.util.concurrent.CopyOnWriteArrayList::new).add(pins);
                return pins.pfns().length;
            }
            case "pt": {
                accelmm.api.mmu.IoPgtable t = dev.ioPgtable(1L << 12 | 1L << 21, 48, 48);
                t.mapPages(Long.decode(p[1]), 0x40000000L, 4096, 1, accelmm.api.mmu.IommuProt.READ);
                return dev.pgtableId(t);
            }
            case "version":
                return version;
            default:
                throw Errno.ENOTTY.exception("unknown request " + p[0]);
        }
    }
}
