package accelmm.core.device;

import java.util.function.ToLongFunction;

import accelmm.api.Errno;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.hmm.DevicePagemap;
import accelmm.api.hmm.PagemapOps;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.Shrinker;
import accelmm.api.notifier.NotifierRange;
import accelmm.core.gmem.GmemImpl;

/**
 * The core's calls into whatever driver is bound to a device, each through the device's gate as a
 * callback: notifier invalidations, CPU faults on its device-private pages ({@code migrate_to_ram}),
 * the host's shrinker asking for its purgeable memory. With no driver bound an invalidation just
 * records its sequence, a fault on a device page fails and a shrinker finds nothing.
 *
 * <p>Concurrency: thread-safe; the page map is made once under its own lock (not the device's
 * monitor, which an unbind holds while calls drain).
 */
final class DriverCallbacks {
    private final DeviceImpl dev;
    private final CallGate gate;
    private final GmemImpl gmem;
    private final Object pagemapLock = new Object();
    private DevicePagemap pagemap;
    private final Shrinker.Registration shrinker;

    DriverCallbacks(DeviceImpl dev, CallGate gate, GmemImpl gmem) {
        this.dev = dev;
        this.gate = gate;
        this.gmem = gmem;
        this.shrinker = dev.memoryManager().registerShrinker("device " + dev.name(), new Shrinker() {
            @Override
            public long count() {
                return shrinkCall(d -> d.shrinkCount(dev));
            }

            @Override
            public long scan(long nrPages) {
                long freed = shrinkCall(d -> d.shrinkScan(dev, nrPages));
                if (freed > 0) {
                    dev.count("shrink.pages", freed);
                }
                return freed;
            }
        });
    }

    /**
     * Asks the bound driver's shrinker, without waiting for a driver that is being replaced (there
     * is none to ask then: 0).
     */
    private long shrinkCall(ToLongFunction<DeviceDriver> call) {
        DeviceDriver d = gate.enterCallback(gate.generation(), false);
        if (d == null) {
            return 0;
        }
        try {
            return call.applyAsLong(d);
        } finally {
            gate.exit();
        }
    }

    /** A driver notifier's invalidation, for the driver bound at the time. */
    boolean invalidate(DeviceNotifier n, NotifierRange range, long seq) {
        dev.count("notifier.invalidate", 1);
        DeviceFileImpl f = (DeviceFileImpl) n.file();
        DeviceDriver d = gate.enterCallback(f.generation, range.blockable());
        if (d == null) {
            if (!range.blockable()) {
                return false;
            }
            n.setSeq(seq);
            return true;
        }
        try {
            return d.invalidate(n, range, seq);
        } finally {
            gate.exit();
        }
    }

    /**
     * The device-private page map of the device's memory, registered on first use.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for a device without memory
     */
    DevicePagemap pagemap() {
        if (dev.memory() == null) {
            throw Errno.ENODEV.exception(dev.name() + " has no memory");
        }
        synchronized (pagemapLock) {
            if (pagemap == null) {
                pagemap = dev.memoryManager().registerPagemap(dev.memory(), dev, new PagemapOps() {
                    @Override
                    public void pageFree(long pfn) {
                        gmem.pageFreed(dev, pfn);
                    }

                    @Override
                    public boolean migrateToRam(AddressSpace mm, long addr) {
                        return toRam(mm, addr);
                    }
                });
            }
            return pagemap;
        }
    }

    private boolean toRam(AddressSpace mm, long addr) {
        if (gmem.dev(dev) != null) {
            return gmem.hostFault(dev, mm, addr);
        }
        DeviceDriver d = gate.enterCallback(gate.generation(), true);
        if (d == null) {
            return false;
        }
        try {
            dev.count("migrate.to_ram", 1);
            return d.migrateToRam(dev, mm, addr);
        } finally {
            gate.exit();
        }
    }

    /** Evicts every device page to system memory and lets the page map go (unplug). */
    void dropPagemap() {
        synchronized (pagemapLock) {
            if (pagemap != null) {
                pagemap.evict(0, dev.memory().info().size() >>> 12);
                pagemap.unregister();
                pagemap = null;
            }
        }
    }

    /** Leaves the host's shrinkers (the device is gone for good). */
    void unregister() {
        shrinker.unregister();
    }
}
