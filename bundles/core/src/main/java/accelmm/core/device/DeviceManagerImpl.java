package accelmm.core.device;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceInfo;
import accelmm.api.device.DeviceSpec;
import accelmm.api.device.Devices;
import accelmm.api.dma.Dma;
import accelmm.api.gmem.Gmem;
import accelmm.api.idr.IdrRegistry;
import accelmm.api.idr.XArrayAlloc;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;
import accelmm.core.cost.SimClocksImpl;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.diag.Warnings;
import accelmm.core.gmem.GmemImpl;
import accelmm.core.policy.PolicyRegistry;

/**
 * The {@link Devices} service: devices from the built-in list and from factory configurations,
 * drivers bound by kind (the best ranked, then the newest), live replacement, and unplug after the
 * grace period when a driver leaves without a successor.
 *
 * <p>Concurrency: the device and driver tables are guarded by this object; each device serializes
 * its own binding and unplugging; calls never take this object's lock.
 */
@Component(service = Devices.class, configurationPid = "accelmm.core.devices", immediate = true)
@Designate(ocd = DevicesConfig.class)
public final class DeviceManagerImpl implements Devices {
    private final GmemImpl gmem;
    private static final Logger LOG = LoggerFactory.getLogger(DeviceManagerImpl.class);

    /** A registered driver. */
    private record Driver(DeviceDriver driver, CallGate.DriverRef ref, String kind) {
    }

    private static final Comparator<Driver> BEST_FIRST = Comparator.<Driver>comparingInt(d -> d.ref().ranking())
            .thenComparingLong(d -> d.ref().serviceId()).reversed();

    private final MemoryManager memory;
    private final Dma dma;
    private final IdrRegistry registry;
    private final Warnings warnings;
    private final long graceMs;
    private final boolean builtins;
    private final PolicyRegistry policies;
    private final SimClocksImpl clocks = new SimClocksImpl();
    private final Map<String, DeviceImpl> devices = new TreeMap<>();
    private final Map<String, DeviceSpec> configured = new LinkedHashMap<>();
    private final Map<String, TreeSet<Driver>> drivers = new HashMap<>();
    private final Map<DeviceImpl, ScheduledFuture<?>> pendingUnplugs = new HashMap<>();
    private final java.util.concurrent.locks.ReentrantLock rebuildLock = new java.util.concurrent.locks.ReentrantLock();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "accelmm-unplug");
        t.setDaemon(true);
        return t;
    });

    /** Creates the service from its configuration. */
    @Activate
    public DeviceManagerImpl(@Reference MemoryManager memory, @Reference Dma dma, @Reference IdrRegistry registry,
            @Reference Gmem gmem, DevicesConfig config) {
        this(memory, dma, registry, (GmemImpl) gmem, CoreDiagnostics.shared().warnings(), config.unplugGraceMs(),
                config.builtinDevices());
    }

    /** Creates the service (tests). */
    public DeviceManagerImpl(MemoryManager memory, Dma dma, IdrRegistry registry, Warnings warnings, long graceMs,
            boolean builtins) {
        this(memory, dma, registry, new GmemImpl(memory, registry, XArrayAlloc.LIMIT_32B), warnings, graceMs, builtins);
    }

    /** Creates the service with a GMEM framework. */
    public DeviceManagerImpl(MemoryManager memory, Dma dma, IdrRegistry registry, GmemImpl gmem, Warnings warnings,
            long graceMs, boolean builtins) {
        this.memory = memory;
        this.gmem = gmem;
        this.dma = dma;
        this.registry = registry;
        this.warnings = warnings;
        this.graceMs = Math.max(0, graceMs);
        this.builtins = builtins;
        this.policies = new PolicyRegistry(this::names, this::stats, warnings);
        timer.setRemoveOnCancelPolicy(true);
        if (builtins) {
            for (DeviceSpec s : BuiltinDevices.all()) {
                rebuild(s.name());
            }
        }
    }

    /** Returns the memory policies and every device's selection. */
    public PolicyRegistry policies() {
        return policies;
    }

    /** Returns the simulated clocks and every device's cost model. */
    public SimClocksImpl clocks() {
        return clocks;
    }

    private synchronized List<String> names() {
        return new ArrayList<>(devices.keySet());
    }

    /** Unplugs and removes every device. */
    @Deactivate
    public void deactivate() {
        timer.shutdownNow();
        List<DeviceImpl> all;
        synchronized (this) {
            all = new ArrayList<>(devices.values());
            devices.clear();
        }
        for (DeviceImpl d : all) {
            try {
                d.unplug(-1);
            } catch (RuntimeException e) {
                LOG.debug("removing {} failed", d, e);
            }
        }
    }

    // ---- drivers --------------------------------------------------------------------------------

    /** Binds a driver service to every device of its kind it is the best for. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addDriver(DeviceDriver driver, ServiceReference<DeviceDriver> ref) {
        Object kind = ref.getProperty(DeviceDriver.KIND);
        Object rank = ref.getProperty(Constants.SERVICE_RANKING);
        long id = (Long) ref.getProperty(Constants.SERVICE_ID);
        if (!(kind instanceof String k) || k.isEmpty()) {
            warnings.warn("driver service " + id + " has no " + DeviceDriver.KIND);
            return;
        }
        addDriver(driver, k, id, rank instanceof Integer i ? i : 0,
                ref.getBundle() == null ? "?" : ref.getBundle().getSymbolicName(),
                ref.getBundle() == null ? "?" : ref.getBundle().getVersion().toString());
    }

    /** Replaces a leaving driver service by the next best, or lets its devices wait for one. */
    public void removeDriver(DeviceDriver driver, ServiceReference<DeviceDriver> ref) {
        removeDriver((Long) ref.getProperty(Constants.SERVICE_ID));
    }

    /**
     * Adds a driver for {@code kind}, identified by {@code id} (the service id in a framework);
     * binds it where it is the best: the highest ranking, then the highest id.
     */
    public void addDriver(DeviceDriver driver, String kind, long id, int ranking, String bundle, String version) {
        Driver d = new Driver(driver, new CallGate.DriverRef(id, ranking, bundle, version), kind);
        List<DeviceImpl> targets;
        synchronized (this) {
            TreeSet<Driver> set = drivers.computeIfAbsent(kind, x -> new TreeSet<>(BEST_FIRST));
            set.add(d);
            if (set.first() != d) {
                return;
            }
            targets = ofKind(kind);
        }
        for (DeviceImpl dev : targets) {
            dev.bind(driver, d.ref());
            cancelUnplug(dev);
        }
        kindWaits.arrived(kind);
    }

    /** Removes the driver with {@code id}; its devices get the next best or wait for one. */
    public void removeDriver(long id) {
        Driver next;
        List<DeviceImpl> targets;
        synchronized (this) {
            Driver gone = null;
            TreeSet<Driver> set = null;
            for (TreeSet<Driver> s : drivers.values()) {
                for (Driver d : s) {
                    if (d.ref().serviceId() == id) {
                        gone = d;
                        set = s;
                    }
                }
            }
            if (gone == null) {
                return;
            }
            boolean wasBound = set.first() == gone;
            set.remove(gone);
            if (!wasBound) {
                return;
            }
            next = set.isEmpty() ? null : set.first();
            targets = ofKind(gone.kind());
        }
        if (next != null) {
            for (DeviceImpl dev : targets) {
                dev.bind(next.driver(), next.ref());
                cancelUnplug(dev);
            }
            return;
        }
        // A call in flight on one device may wait for a callback of another device of the kind (a
        // peer reading an exported dma-buf): every device stops taking calls, and drains, while all
        // drivers are still bound; only then do they let their driver go.
        for (DeviceImpl dev : targets) {
            dev.drain();
        }
        Map<DeviceImpl, Long> epochs = new LinkedHashMap<>();
        for (DeviceImpl dev : targets) {
            epochs.put(dev, dev.unbind());
        }
        // The grace period starts once every device is without its driver.
        epochs.forEach((dev, epoch) -> {
            ScheduledFuture<?> f;
            try {
                f = timer.schedule(() -> unplugIfStillWaiting(dev, epoch), graceMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // The manager is being deactivated (the host stops): deactivate unplugs every device.
                return;
            }
            synchronized (this) {
                ScheduledFuture<?> old = pendingUnplugs.put(dev, f);
                if (old != null) {
                    old.cancel(false);
                }
            }
        });
    }

    private void cancelUnplug(DeviceImpl dev) {
        ScheduledFuture<?> f;
        synchronized (this) {
            f = pendingUnplugs.remove(dev);
        }
        if (f != null) {
            f.cancel(false);
        }
    }

    private void unplugIfStillWaiting(DeviceImpl dev, long epoch) {
        try {
            if (dev.unplug(epoch)) {
                LOG.info("{}: no driver arrived within {} ms; unplugged", dev, graceMs);
            }
        } catch (RuntimeException e) {
            warnings.warn(dev + ": unplug failed: " + e);
        }
    }

    private List<DeviceImpl> ofKind(String kind) {
        List<DeviceImpl> out = new ArrayList<>();
        for (DeviceImpl d : devices.values()) {
            if (d.spec().kind().equals(kind)) {
                out.add(d);
            }
        }
        return out;
    }

    // ---- configuration --------------------------------------------------------------------------

    /** Adds or changes a configured device (configuration components, tests and benchmarks). */
    public void configure(String pid, DeviceSpec spec) {
        String previous;
        synchronized (this) {
            DeviceSpec old = configured.put(pid, spec);
            previous = old == null || old.name().equals(spec.name()) ? null : old.name();
        }
        if (previous != null) {
            rebuild(previous);
        }
        rebuild(spec.name());
    }

    /** Removes a configured device (a built-in device of that name comes back). */
    public void unconfigure(String pid) {
        DeviceSpec old;
        synchronized (this) {
            old = configured.remove(pid);
        }
        if (old != null) {
            rebuild(old.name());
        }
    }

    /** The kinds a configured device may have: those of the built-in devices and of every registered driver. */
    public synchronized List<String> kinds() {
        TreeSet<String> out = new TreeSet<>(drivers.keySet());
        for (DeviceSpec s : BuiltinDevices.all()) {
            out.add(s.kind());
        }
        return new ArrayList<>(out);
    }

    private final KindWaits kindWaits = new KindWaits();

    /** Runs {@code apply} (once) when a driver of {@code kind} registers; replaces what {@code pid} waited for. */
    public void waitForKind(String pid, String kind, Runnable apply) {
        kindWaits.waitFor(pid, kind, apply);
    }

    /** Forgets what {@code pid} waited for. */
    public void stopWaiting(String pid) {
        kindWaits.stop(pid);
    }

    /** Creates again every wanted device whose creation failed (an injected or real ENOMEM). */
    private void retryMissing() {
        List<String> missing = new ArrayList<>();
        synchronized (this) {
            for (DeviceSpec s : configured.values()) {
                if (!devices.containsKey(s.name())) {
                    missing.add(s.name());
                }
            }
            if (builtins) {
                for (DeviceSpec s : BuiltinDevices.all()) {
                    if (!devices.containsKey(s.name())) {
                        missing.add(s.name());
                    }
                }
            }
        }
        for (String name : missing) {
            rebuild(name);
        }
    }

    private synchronized DeviceSpec wanted(String name) {
        DeviceSpec want = null;
        for (DeviceSpec s : configured.values()) {
            if (s.name().equals(name)) {
                want = s;
            }
        }
        if (want == null && builtins) {
            for (DeviceSpec s : BuiltinDevices.all()) {
                if (s.name().equals(name)) {
                    want = s;
                }
            }
        }
        return want;
    }

    /**
     * Makes the device named {@code name} match its wanted configuration.
     *
     * <p>Context: takes {@link #rebuildLock}, so two threads that find the same device missing
     * create it once; holds no other lock of this object while devices are unplugged or bound.
     */
    private void rebuild(String name) {
        rebuildLock.lock();
        try {
            rebuildLocked(name);
        } finally {
            rebuildLock.unlock();
        }
    }

    private void rebuildLocked(String name) {
        DeviceSpec want = wanted(name);
        DeviceImpl old;
        synchronized (this) {
            old = devices.get(name);
            if (old != null && old.spec().equals(want)) {
                return;
            }
            devices.remove(name);
        }
        if (old != null) {
            cancelUnplug(old);
            old.unplug(-1);
        }
        if (want == null) {
            return;
        }
        DeviceImpl dev;
        try {
            dev = new DeviceImpl(want, memory, dma, registry, gmem, warnings, policies, clocks);
        } catch (ErrnoException e) {
            LOG.warn("device {} cannot be created now (its next use tries again): {}", name, e.getMessage());
            return;
        }
        Driver best;
        synchronized (this) {
            devices.put(name, dev);
            TreeSet<Driver> set = drivers.get(want.kind());
            best = set == null || set.isEmpty() ? null : set.first();
        }
        if (best != null) {
            dev.bind(best.driver(), best.ref());
        }
    }

    // ---- calls ----------------------------------------------------------------------------------

    private DeviceImpl device(String name) {
        DeviceImpl d;
        synchronized (this) {
            d = name == null ? null : devices.get(name);
        }
        if (d == null && name != null && wanted(name) != null) {
            rebuild(name);
            synchronized (this) {
                d = devices.get(name);
            }
        }
        if (d == null) {
            throw Errno.ENODEV.exception("no device " + name);
        }
        return d;
    }

    @Override
    public int open(MmProcess process, String device) {
        if (process == null) {
            throw Errno.EINVAL.exception("no process");
        }
        return device(device).open(process);
    }

    @Override
    public DeviceFile file(MmProcess process, int fd) {
        AutoCloseable f = process.fds().get(fd);
        if (!(f instanceof DeviceFileImpl file)) {
            throw Errno.ENOTTY.exception("descriptor " + fd + " is not a device file");
        }
        return file;
    }

    @Override
    public <R> R ioctl(MmProcess process, int fd, accelmm.api.device.Request<R> request) {
        DeviceFileImpl f = (DeviceFileImpl) file(process, fd);
        return f.deviceImpl().ioctl(f, request);
    }

    @Override
    public List<DeviceInfo> list() {
        retryMissing();
        List<DeviceInfo> out = new ArrayList<>();
        synchronized (this) {
            for (DeviceImpl d : devices.values()) {
                out.add(d.info());
            }
        }
        return out;
    }

    @Override
    public DeviceInfo info(String device) {
        return device(device).info();
    }

    @Override
    public DeviceSpec spec(String device) {
        return device(device).spec();
    }

    @Override
    public List<Long> pgtables(String device) {
        return device(device).pgtables().ids();
    }

    @Override
    public List<String> walk(String device, long table, long va) {
        return device(device).pgtables().walk(table, va);
    }

    @Override
    public List<String> check() {
        List<DeviceImpl> all;
        synchronized (this) {
            all = new ArrayList<>(devices.values());
        }
        List<String> problems = new ArrayList<>();
        java.util.function.LongPredicate allocated = ((accelmm.core.mm.MemoryManagerImpl) memory)::frameAllocated;
        for (DeviceImpl d : all) {
            d.pgtables().check(allocated, problems);
        }
        return problems;
    }

    @Override
    public Map<String, Long> stats(String device) {
        return device(device).counters();
    }
}
