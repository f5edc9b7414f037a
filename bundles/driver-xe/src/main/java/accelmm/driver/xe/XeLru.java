package accelmm.driver.xe;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import accelmm.api.device.DeviceContext;

/**
 * The device's ranges in VRAM in the order they were last used, so that eviction takes the least
 * recently used one without scanning every range of every VM. A range's use ({@link XeVm#R_USE})
 * is a tick of the device's clock, unique, so the index maps it to the range's VM and start; an
 * entry whose range went, left VRAM or was used again since is dropped when it is met. Index and
 * clock live in the device state (JDK types only), so they survive a driver update.
 *
 * <p>Concurrency: every method runs under the device lock.
 */
final class XeLru {
    private XeLru() {
    }

    @SuppressWarnings("unchecked")
    private static TreeMap<Long, long[]> index(DeviceContext dev) {
        return (TreeMap<Long, long[]>) dev.state().computeIfAbsent("lru", k -> new TreeMap<Long, long[]>());
    }

    /** The next tick of the device's clock. */
    static long tick(DeviceContext dev) {
        return ((AtomicLong) dev.state().computeIfAbsent("lru.clock", k -> new AtomicLong())).incrementAndGet();
    }

    /** Marks a range used now; a range in VRAM moves to the young end of the index. */
    static void touch(DeviceContext dev, XeVm vm, long[] r) {
        long old = r[XeVm.R_USE];
        r[XeVm.R_USE] = tick(dev);
        if ((r[XeVm.R_FLAGS] & XeVm.DEVMEM) != 0) {
            TreeMap<Long, long[]> index = index(dev);
            index.remove(old);
            index.put(r[XeVm.R_USE], new long[] {vm.id, r[XeVm.R_START]});
        }
    }

    /** Records whether a range (just bound) is in VRAM. */
    static void placed(DeviceContext dev, XeVm vm, long[] r) {
        TreeMap<Long, long[]> index = index(dev);
        index.remove(r[XeVm.R_USE]);
        if ((r[XeVm.R_FLAGS] & XeVm.DEVMEM) != 0) {
            index.put(r[XeVm.R_USE], new long[] {vm.id, r[XeVm.R_START]});
        }
    }

    /** Forgets a range that left VRAM or went away. */
    static void forget(DeviceContext dev, long[] r) {
        index(dev).remove(r[XeVm.R_USE]);
    }

    /** The least recently used range in VRAM of any VM, other than the one at {@code keep} in {@code self}; or null. */
    static long[] victim(DeviceContext dev, XeVm self, long keep) {
        for (Iterator<Map.Entry<Long, long[]>> it = index(dev).entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, long[]> e = it.next();
            int vmId = (int) e.getValue()[0];
            long start = e.getValue()[1];
            Map<String, Object> s = XeVm.all(dev).find(vmId);
            long[] r = s == null ? null : new XeVm(vmId, s).ranges().get(start);
            if (r == null || (r[XeVm.R_FLAGS] & XeVm.DEVMEM) == 0 || r[XeVm.R_USE] != e.getKey()) {
                it.remove();
                continue;
            }
            if (self == null || vmId != self.id || start != keep) {
                return r;
            }
        }
        return null;
    }
}
