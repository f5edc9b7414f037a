package accelmm.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceInfo;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.device.DeviceSpec;
import accelmm.api.device.DeviceState;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.idr.Idr;
import accelmm.api.idr.IdrRegistry;
import accelmm.api.lockdep.LockClass;
import accelmm.api.lockdep.TrackedLock;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.Block;
import accelmm.api.mm.DeviceMemory;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mmu.AsidSlots;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.GnaMmu;
import accelmm.api.mmu.IoPgtable;
import accelmm.core.diag.Warnings;
import accelmm.core.gmem.GmMmuHost;
import accelmm.core.gmem.GmemImpl;
import accelmm.core.mmu.AsidSlotsImpl;
import accelmm.core.mmu.DrmMmImpl;
import accelmm.core.mmu.GnaFlatMmu;

/**
 * A device: its configuration and all the state a driver works on — memory node, DMA device,
 * registries, key-value state, counters, open files and what they hold — and the gate through
 * which its driver is called and replaced.
 *
 * <p>Concurrency: the gate admits calls; the collections lock themselves; an unplug runs with no
 * call in flight.
 */
final class DeviceImpl implements DeviceContext, GmMmuHost {
    private final GmemImpl gmem;

    private final DeviceSpec spec;
    private final MemoryManager memoryManager;
    private final Dma dma;
    private final IdrRegistry registry;
    private final Warnings warnings;
    private final DeviceMemory memory;
    private final DmaDevice dmaDevice;
    final CallGate gate = new CallGate();
    /** The dma-bufs this device exported and imported. */
    private final DeviceDmaBufs dmaBufs;
    private final DeviceGem gem = new DeviceGem(this);
    private volatile accelmm.core.gpusvm.GpuSvmsImpl gpuSvms = newGpuSvms();
    /** Every device's lock: innermost in the core's lock order. */
    static final LockClass DEVICE_LOCK = LockClass.of("device");
    private final TrackedLock lock = new TrackedLock(DEVICE_LOCK);
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final TypedState state = new TypedState();
    private final DeviceFiles deviceFiles;
    private final DevicePgtables tables;
    private final FileResources resources = new FileResources(this);
    private final DriverRegistries registries;
    private final Set<Block> blocks = ConcurrentHashMap.newKeySet();
    private volatile AsidSlots<Object> asidSlots;
    private final LongAdder binds = new LongAdder();
    private final LongAdder unplugs = new LongAdder();
    /** The core's calls into the bound driver: invalidations, device-page faults, the shrinker. */
    private final DriverCallbacks callbacks;

    private final accelmm.core.policy.DevicePoliciesImpl policies;
    private final accelmm.api.cost.DeviceCost cost;

    DeviceImpl(DeviceSpec spec, MemoryManager memoryManager, Dma dma, IdrRegistry registry, GmemImpl gmem,
            Warnings warnings, accelmm.core.policy.PolicyRegistry policies, accelmm.core.cost.SimClocksImpl clocks) {
        this.spec = spec;
        this.policies = new accelmm.core.policy.DevicePoliciesImpl(policies, spec.name());
        this.cost = clocks.device(spec.name(), this::memoryUsed);
        this.gmem = gmem;
        this.memoryManager = memoryManager;
        this.dma = dma;
        this.dmaBufs = new DeviceDmaBufs(this, dma);
        this.registry = registry;
        this.warnings = warnings;
        this.memory = spec.memoryBytes() > 0 ? memoryManager.createDeviceMemory(spec.name(), spec.memoryBytes()) : null;
        try {
            this.dmaDevice = dma.createDevice(spec.name(), spec.maxSegSize(), spec.pciPosition());
        } catch (ErrnoException e) {
            if (memory != null) {
                memoryManager.removeDeviceMemory(memory);
            }
            throw e;
        }
        this.registries = new DriverRegistries(registry, owner());
        this.deviceFiles = new DeviceFiles(this, gate, registry.idr(owner(), "files", 1));
        this.tables = new DevicePgtables(this, registry.idr(owner(), "pgtables", 0));
        this.asidSlots = newAsidSlots();
        this.callbacks = new DriverCallbacks(this, gate, gmem);
    }

    private String owner() {
        return "dev:" + spec.name();
    }

    private AsidSlots<Object> newAsidSlots() {
        return new AsidSlotsImpl<>(Math.max(1, spec.asidSlots()), (victim, slot) -> count("asid.steal", 1));
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public DeviceSpec spec() {
        return spec;
    }

    @Override
    public DeviceMemory memory() {
        return memory;
    }

    @Override
    public DmaDevice dmaDevice() {
        return dmaDevice;
    }

    @Override
    public MemoryManager memoryManager() {
        return memoryManager;
    }

    @Override
    public Dma dma() {
        return dma;
    }

    @Override
    public <T> Idr<T> idr(String name, int base) {
        return registries.idr(name, base);
    }

    @Override
    public accelmm.api.gem.Gem gem() {
        return gem;
    }

    @Override
    public accelmm.api.policy.DevicePolicies policies() {
        return policies;
    }

    private long memoryUsed() {
        return memory == null ? 0 : memory.info().used();
    }

    @Override
    public accelmm.api.cost.DeviceCost cost() {
        return cost;
    }

    @Override
    public accelmm.api.gpusvm.GpuSvms gpuSvms() {
        return gpuSvms;
    }

    private accelmm.core.gpusvm.GpuSvmsImpl newGpuSvms() {
        return new accelmm.core.gpusvm.GpuSvmsImpl(this, (file, mm, start, length, cookie, handler) ->
                resources.insertNotifier(file, mm, start, length, cookie, (n, range, seq) -> {
                    count("notifier.invalidate", 1);
                    return handler.invalidate(n, range, seq);
                }));
    }

    @Override
    public TrackedLock lock() {
        return lock;
    }

    @Override
    public accelmm.api.device.StateStore state() {
        return state;
    }

    @Override
    public void count(String counter, long delta) {
        LongAdder c = counters.get(counter);
        (c != null ? c : counters.computeIfAbsent(counter, k -> new LongAdder())).add(delta);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    @Override
    public IoPgtable ioPgtable(long pgsizeBitmap, int ias, int oas) {
        return tables.create(accelmm.api.mmu.IoPgtableFormat.ARM_64_LPAE_S1, pgsizeBitmap, ias, oas);
    }

    @Override
    public IoPgtable ioPgtable(accelmm.api.mmu.IoPgtableFormat format, long pgsizeBitmap, int ias, int oas) {
        return tables.create(format, pgsizeBitmap, ias, oas);
    }

    @Override
    public long pgtableId(IoPgtable table) {
        return tables.id(table);
    }

    @Override
    public void freePgtable(IoPgtable table) {
        tables.free(table);
    }

    /** The device's page tables. */
    DevicePgtables pgtables() {
        return tables;
    }

    @Override
    public GnaMmu gnaMmu(int numPagetables, long tableBasePfn) {
        return new GnaFlatMmu(numPagetables, tableBasePfn, null);
    }

    @Override
    public DrmMm drmMm(long start, long size) {
        return new DrmMmImpl(start, size, null);
    }

    @Override
    public accelmm.api.mmu.DrmBuddy drmBuddy(long size, long chunkSize) {
        return new accelmm.core.mmu.DrmBuddyImpl(size, chunkSize);
    }

    @Override
    public AsidSlots<Object> asidSlots() {
        return asidSlots;
    }

    static DeviceFileImpl own(accelmm.api.device.DeviceFile file, DeviceImpl device) {
        return device.resources.own(file);
    }

    @Override
    public PinnedPages pin(accelmm.api.device.DeviceFile file, AddressSpace mm, long addr, int pages, int gupFlags) {
        return resources.pin(file, mm, addr, pages, gupFlags);
    }

    @Override
    public accelmm.api.mm.SharedFile shmem(accelmm.api.device.DeviceFile file, String name, long size) {
        return resources.shmem(file, name, size);
    }

    @Override
    public PinnedPages pinShmem(accelmm.api.device.DeviceFile file, accelmm.api.mm.SharedFile shmem, long first, int count) {
        return resources.pinShmem(file, shmem, first, count);
    }

    @Override
    public List<Block> allocBlocks(long start, long end, long size, long minBlockSize, int flags) {
        if (memory == null) {
            throw Errno.ENODEV.exception(name() + " has no memory");
        }
        List<Block> got = memory.allocBlocks(start, end, size, minBlockSize, flags);
        blocks.addAll(got);
        return got;
    }

    @Override
    public void freeBlocks(List<Block> freed) {
        if (memory == null) {
            throw Errno.ENODEV.exception(name() + " has no memory");
        }
        if (!blocks.containsAll(freed)) {
            throw Errno.EINVAL.exception("blocks not allocated through " + name());
        }
        blocks.removeAll(freed);
        memory.freeBlocks(freed);
    }

    @Override
    public SgTable dmaMap(accelmm.api.device.DeviceFile file, SgTable table, DmaDirection dir) {
        return resources.dmaMap(file, table, dir);
    }

    @Override
    public void dmaUnmap(accelmm.api.device.DeviceFile file, SgTable mapped) {
        resources.dmaUnmap(file, mapped);
    }

    @Override
    public DeviceNotifier insertNotifier(accelmm.api.device.DeviceFile file, AddressSpace mm, long start, long length, long cookie) {
        return resources.insertNotifier(file, mm, start, length, cookie, callbacks::invalidate);
    }

    @Override
    public accelmm.api.gmem.Gmem gmem() {
        return gmem;
    }

    @Override
    public accelmm.api.gmem.GmMmu gmMmu() {
        return new GmMmuProxy(this, gate);
    }

    @Override
    public accelmm.api.hmm.DevicePagemap devicePagemap() {
        return callbacks.pagemap();
    }

    @Override
    public DeviceExport exportDmaBuf(accelmm.api.device.DeviceFile file, long size, long cookie) {
        return dmaBufs.exportDmaBuf(own(file, this), size, cookie);
    }

    @Override
    public DeviceExport exportShmem(accelmm.api.device.DeviceFile file, accelmm.api.mm.SharedFile shmem, long cookie) {
        return dmaBufs.exportShmem(own(file, this), shmem, cookie);
    }

    @Override
    public accelmm.api.device.DeviceImport importDmaBuf(accelmm.api.device.DeviceFile file, int fd) {
        return dmaBufs.importDmaBuf(own(file, this), fd);
    }

    // ---- files and calls -----------------------------------------------------------------------

    int open(MmProcess process) {
        return deviceFiles.open(process);
    }

    <R> R ioctl(DeviceFileImpl f, accelmm.api.device.Request<R> request) {
        return deviceFiles.ioctl(f, request);
    }

    /** See {@link DeviceFiles#release}. */
    void release(DeviceFileImpl f) {
        deviceFiles.release(f);
    }

    DeviceDmaBufs dmaBufs() {
        return dmaBufs;
    }

    FileResources resources() {
        return resources;
    }

    accelmm.core.gpusvm.GpuSvmsImpl gpuSvmsImpl() {
        return gpuSvms;
    }

    // ---- binding --------------------------------------------------------------------------------

    /** Binds {@code next}, replacing the bound driver after the calls in flight drain. */
    synchronized void bind(DeviceDriver next, CallGate.DriverRef ref) {
        DeviceDriver old = gate.quiesce();
        if (old != null) {
            // Callbacks reach the old driver until its unbind returns (its own threads may be in
            // one), and none after.
            safely(() -> old.unbind(this), "unbind");
            gate.detach();
            checkState(old);
        }
        safely(() -> next.bind(this), "bind");
        gate.resume(next, ref);
        binds.increment();
        count("bind", 1);
    }

    /**
     * Stops new calls and waits for the calls in flight, with the driver still bound so that
     * callbacks from other devices' calls are still served; {@link #bind} or {@link #unbind} ends it.
     */
    void drain() {
        gate.quiesce();
    }

    /**
     * Lets the driver go; calls wait for a replacement.
     *
     * @return the wait's epoch, for {@link #unplug}
     */
    synchronized long unbind() {
        DeviceDriver old = gate.quiesce();
        if (old != null) {
            safely(() -> old.unbind(this), "unbind");
            gate.detach();
            checkState(old);
        }
        return gate.resume(null, null);
    }

    void safely(Runnable r, String what) {
        try {
            r.run();
        } catch (RuntimeException e) {
            warnings.warn(name() + ": driver " + what + " failed: " + e);
        }
    }

    /**
     * Warns about state that holds the leaving driver's own classes (they would pin its loader). A
     * driver loaded with the core's own loader (no framework) cannot be told apart and is not checked.
     */
    private void checkState(DeviceDriver old) {
        ClassLoader loader = old.getClass().getClassLoader();
        if (loader == DeviceImpl.class.getClassLoader()) {
            return;
        }
        List<Object> roots = new ArrayList<>(state.values());
        roots.addAll(registries.all());
        roots.addAll(deviceFiles.states());
        for (String c : StateWalk.classesOf(loader, roots)) {
            warnings.warn(name() + ": device state holds " + c + " of the driver that left");
        }
    }

    /**
     * Unplugs the device: waiting calls and every open file answer {@code ENODEV}; notifiers,
     * DMA mappings and pins of its files are undone, exported buffers revoked, device memory,
     * registries and state freed.
     *
     * @param waitEpoch the wait that ends (from {@link #unbind}), or -1: the configuration went and
     *     the device is gone for good
     * @return false if a driver arrived in time
     */
    synchronized boolean unplug(long waitEpoch) {
        boolean removed = waitEpoch < 0;
        if (removed) {
            DeviceDriver old = gate.quiesce();
            if (old != null) {
                safely(() -> old.unbind(this), "unbind");
                gate.detach();
            }
        }
        long ended = gate.unplug(waitEpoch);
        if (ended < 0) {
            return false;
        }
        deviceFiles.killAll(ended);
        dmaBufs.revokeAll();
        callbacks.dropPagemap();
        gmem.deviceGone(this);
        if (memory != null && !blocks.isEmpty()) {
            List<Block> all = List.copyOf(blocks);
            blocks.clear();
            memory.freeBlocks(all);
        }
        registries.removeAll();
        tables.destroy();
        state.clear();
        asidSlots = newAsidSlots();
        gpuSvms = newGpuSvms();
        unplugs.increment();
        count("unplug", 1);
        if (removed) {
            registry.remove(owner(), "files");
            registry.remove(owner(), "pgtables");
            if (dmaDevice.mappings() == 0) {
                dma.removeDevice(dmaDevice);
            } else {
                warnings.warn(name() + ": removed with " + dmaDevice.mappings() + " DMA mappings");
            }
            if (memory != null) {
                memoryManager.removeDeviceMemory(memory);
            }
            callbacks.unregister();
        }
        return true;
    }

    DeviceInfo info() {
        CallGate.DriverRef ref = gate.ref();
        DeviceState st = gate.state();
        return new DeviceInfo(name(), spec.kind(), ref == null ? "-" : ref.bundle(), ref == null ? "-" : ref.version(), st,
                (int) deviceFiles.count(), binds.sum(), unplugs.sum());
    }

    @Override
    public String toString() {
        return name();
    }
}
