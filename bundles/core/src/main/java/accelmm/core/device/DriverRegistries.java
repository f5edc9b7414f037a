package accelmm.core.device;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import accelmm.api.Errno;
import accelmm.api.idr.Idr;
import accelmm.api.idr.IdrRegistry;

/**
 * A device's driver registries ({@link accelmm.api.device.DeviceContext#idr}): IDRs of the core's
 * registry under the device's owner name, kept across driver updates and removed at unplug.
 *
 * <p>Concurrency: thread-safe; a lookup already made takes no lock.
 */
final class DriverRegistries {
    private final IdrRegistry registry;
    private final String owner;
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    /**
     * The registries already looked up, by name and base, so that a driver's calls do not each go
     * through the registry's lock; emptied before and after an unplug removes them.
     */
    private final ConcurrentHashMap<String, Idr<?>> cache = new ConcurrentHashMap<>();

    DriverRegistries(IdrRegistry registry, String owner) {
        this.registry = registry;
        this.owner = owner;
    }

    /**
     * The registry {@code name} with ids from {@code base}, made on first use.
     *
     * @throws accelmm.api.ErrnoException {@code EEXIST} for the core's own names or another kind of registry
     */
    @SuppressWarnings("unchecked")
    <T> Idr<T> idr(String name, int base) {
        if ("files".equals(name) || "pgtables".equals(name)) {
            throw Errno.EEXIST.exception("the registry '" + name + "' is the core's");
        }
        return (Idr<T>) cache.computeIfAbsent(name + "#" + base, k -> {
            Idr<Object> made = registry.idr(owner, name, base);
            names.add(name);
            return made;
        });
    }

    /** The registries in use, for the check of a leaving driver. */
    Collection<Idr<?>> all() {
        return cache.values();
    }

    /** Removes every driver registry (unplug). */
    void removeAll() {
        cache.clear();
        for (String n : names) {
            registry.remove(owner, n);
        }
        names.clear();
        cache.clear();
    }
}
