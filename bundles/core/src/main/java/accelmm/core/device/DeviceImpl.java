package accelmm.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import accelmm.api.mmu.IoTlbOps;
import accelmm.api.notifier.NotifierRange;
import accelmm.core.diag.Warnings;
import accelmm.core.gmem.GmMmuHost;
import accelmm.core.gmem.GmemImpl;
import accelmm.core.mmu.AsidSlotsImpl;
import accelmm.core.mmu.DrmMmImpl;
import accelmm.core.mmu.GnaFlatMmu;
import accelmm.core.mmu.LpaePgtable;

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
    private static final Logger LOG = LoggerFactory.getLogger(DeviceImpl.class);

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
    private final Idr<DeviceFileImpl> files;
    private final Idr<IoPgtable> pgtables;
    private final Set<String> idrNames = ConcurrentHashMap.newKeySet();
    /**
     * The driver registries already looked up, by name and base, so that a driver's calls do not
     * each go through the registry's lock; emptied before and after an unplug removes them.
     */
    private final ConcurrentHashMap<String, Idr<?>> idrCache = new ConcurrentHashMap<>();
    private final Set<Block> blocks = ConcurrentHashMap.newKeySet();
    private volatile AsidSlots<Object> asidSlots;
    /** Guards {@link #pagemap}; not this object's monitor, which an unbind holds while calls drain. */
    private final Object pagemapLock = new Object();
    private accelmm.api.hmm.DevicePagemap pagemap;
    private final LongAdder binds = new LongAdder();
    private final LongAdder unplugs = new LongAdder();
    /** The device's place among the host's shrinkers, for its driver's purgeable objects. */
    private final accelmm.api.mm.Shrinker.Registration shrinker;

    DeviceImpl(DeviceSpec spec, MemoryManager memoryManager, Dma dma, IdrRegistry registry, GmemImpl gmem,
            Warnings warnings) {
        this.spec = spec;
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
        this.files = registry.idr(owner(), "files", 1);
        this.pgtables = registry.idr(owner(), "pgtables", 0);
        this.asidSlots = newAsidSlots();
        this.shrinker = memoryManager.registerShrinker("device " + spec.name(), new accelmm.api.mm.Shrinker() {
            @Override
            public long count() {
                return shrinkCall(d -> d.shrinkCount(DeviceImpl.this));
            }

            @Override
            public long scan(long nrPages) {
                long freed = shrinkCall(d -> d.shrinkScan(DeviceImpl.this, nrPages));
                if (freed > 0) {
                    DeviceImpl.this.count("shrink.pages", freed);
                }
                return freed;
            }
        });
    }

    /**
     * Asks the bound driver's shrinker, without waiting for a driver that is being replaced (there
     * is none to ask then: 0).
     */
    private long shrinkCall(java.util.function.ToLongFunction<DeviceDriver> call) {
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
        if ("files".equals(name) || "pgtables".equals(name)) {
            throw Errno.EEXIST.exception("the registry '" + name + "' is the core's");
        }
        @SuppressWarnings("unchecked")
        Idr<T> idr = (Idr<T>) idrCache.computeIfAbsent(name + "#" + base, k -> {
            Idr<Object> made = registry.idr(owner(), name, base);
            idrNames.add(name);
            return made;
        });
        return idr;
    }

    @Override
    public accelmm.api.gem.Gem gem() {
        return gem;
    }

    @Override
    public accelmm.api.gpusvm.GpuSvms gpuSvms() {
        return gpuSvms;
    }

    private accelmm.core.gpusvm.GpuSvmsImpl newGpuSvms() {
        return new accelmm.core.gpusvm.GpuSvmsImpl(this, (file, mm, start, length, cookie, handler) ->
                insertNotifier(file, mm, start, length, cookie, (n, range, seq) -> {
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
        return ioPgtable(accelmm.api.mmu.IoPgtableFormat.ARM_64_LPAE_S1, pgsizeBitmap, ias, oas);
    }

    @Override
    public IoPgtable ioPgtable(accelmm.api.mmu.IoPgtableFormat format, long pgsizeBitmap, int ias, int oas) {
        IoPgtable t = new LpaePgtable(format, pgsizeBitmap, ias, oas, new IoTlbOps() {
            @Override
            public void flushAll() {
                count("tlb.flush", 1);
            }

            @Override
            public void flushWalk(long iova, long size, long granule) {
                count("tlb.flush", 1);
            }
        }, null);
        pgtables.alloc(t, 0, 0);
        return t;
    }

    @Override
    public long pgtableId(IoPgtable table) {
        long[] found = {-1};
        pgtables.forEach((id, t) -> {
            if (t == table) {
                found[0] = id;
                return 1;
            }
            return 0;
        });
        return found[0];
    }

    @Override
    public void freePgtable(IoPgtable table) {
        long id = pgtableId(table);
        if (id >= 0) {
            pgtables.remove(id);
        }
    }

    /**
     * Checks every page table of the device: each valid leaf maps frames that are allocated (host
     * frames someone holds, or device memory in use). A leaf left behind after the memory was
     * unmapped, migrated or freed under a notifier fails this.
     *
     * <p>Concurrency: meant for a quiet moment; a table changing meanwhile may show a passing state.
     */
    void checkPgtables(java.util.function.LongPredicate allocated, List<String> problems) {
        pgtables.forEach((id, t) -> {
            t.forEachLeaf((iova, pa, size, prot) -> {
                for (long off = 0; off < size; off += accelmm.api.PageSize.PAGE_SIZE) {
                    if (!allocated.test(pa + off)) {
                        if (problems.size() < 20) {
                            problems.add(String.format("%s page table %d: 0x%x maps physical 0x%x, a frame that is not allocated",
                                    name(), id, iova + off, pa + off));
                        }
                        return;
                    }
                }
            });
            return 0;
        });
    }

    /** Lists the page tables by id. */
    List<Long> pgtableIds() {
        List<Long> out = new ArrayList<>();
        pgtables.forEach((id, t) -> {
            out.add(id);
            return 0;
        });
        return out;
    }

    /**
     * Walks {@code va} in table {@code id}.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown table
     */
    List<String> walk(long id, long va) {
        IoPgtable t = id < 0 || id > Integer.MAX_VALUE ? null : pgtables.find(id);
        if (t == null) {
            throw Errno.ENOENT.exception(name() + " has no page table " + id);
        }
        return t.walk(va);
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
        if (!(file instanceof DeviceFileImpl f) || f.deviceImpl() != device) {
            throw Errno.EINVAL.exception("not a file of " + device.name());
        }
        if (f.closed()) {
            throw Errno.ENODEV.exception(f + " is closed");
        }
        return f;
    }

    @Override
    public PinnedPages pin(accelmm.api.device.DeviceFile file, AddressSpace mm, long addr, int pages, int gupFlags) {
        DeviceFileImpl f = own(file, this);
        TrackedPins p = new TrackedPins(mm.pinUserPages(addr, pages, gupFlags), f);
        if (!f.track(p)) {
            p.unpinReleased();
            throw Errno.ENODEV.exception(f + " was closed meanwhile");
        }
        count("pin.pages", pages);
        return p;
    }

    @Override
    public accelmm.api.mm.SharedFile shmem(accelmm.api.device.DeviceFile file, String name, long size) {
        DeviceFileImpl f = own(file, this);
        accelmm.api.mm.SharedFile shm = memoryManager.createFile(name, size, true);
        if (!f.track(shm)) {
            shm.close();
            throw Errno.ENODEV.exception(f + " was closed meanwhile");
        }
        return shm;
    }

    @Override
    public PinnedPages pinShmem(accelmm.api.device.DeviceFile file, accelmm.api.mm.SharedFile shmem, long first, int count) {
        DeviceFileImpl f = own(file, this);
        TrackedPins p = new TrackedPins(shmem.pinPages(first, count), f);
        if (!f.track(p)) {
            p.unpinReleased();
            throw Errno.ENODEV.exception(f + " was closed meanwhile");
        }
        count("pin.pages", count);
        return p;
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
        DeviceFileImpl f = own(file, this);
        SgTable mapped = dmaDevice.mapSg(table, dir);
        if (!f.track(mapped)) {
            dmaDevice.unmapSg(mapped);
            throw Errno.ENODEV.exception(f + " was closed meanwhile");
        }
        count("dma.map", 1);
        return mapped;
    }

    @Override
    public void dmaUnmap(accelmm.api.device.DeviceFile file, SgTable mapped) {
        DeviceFileImpl f = own(file, this);
        if (!f.untrack(mapped)) {
            throw Errno.EINVAL.exception("the table is not mapped for " + f);
        }
        dmaDevice.unmapSg(mapped);
    }

    @Override
    public DeviceNotifier insertNotifier(accelmm.api.device.DeviceFile file, AddressSpace mm, long start, long length, long cookie) {
        return insertNotifier(file, mm, start, length, cookie, this::invalidate);
    }

    /** Inserts a notifier of {@code file} whose invalidations go to {@code handler}. */
    private DeviceNotifier insertNotifier(accelmm.api.device.DeviceFile file, AddressSpace mm, long start, long length,
            long cookie, accelmm.core.gpusvm.CoreNotifiers.Handler handler) {
        DeviceFileImpl f = own(file, this);
        DeviceNotifierImpl n = new DeviceNotifierImpl(f, cookie);
        // An invalidation may reach the notifier before insertNotifier returns: the callback hands
        // the subscription over first.
        n.sub = mm.insertNotifier(start, length, (sub, range, seq) -> {
            n.sub = sub;
            return handler.invalidate(n, range, seq);
        });
        if (!f.track(n)) {
            n.removeReleased();
            throw Errno.ENODEV.exception(f + " was closed meanwhile");
        }
        return n;
    }

    private boolean invalidate(DeviceNotifier n, NotifierRange range, long seq) {
        count("notifier.invalidate", 1);
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
        if (memory == null) {
            throw Errno.ENODEV.exception(name() + " has no memory");
        }
        synchronized (pagemapLock) {
            return pagemapLocked();
        }
    }

    private accelmm.api.hmm.DevicePagemap pagemapLocked() {
        if (pagemap == null) {
            pagemap = memoryManager.registerPagemap(memory, this, new accelmm.api.hmm.PagemapOps() {
                @Override
                public void pageFree(long pfn) {
                    gmem.pageFreed(DeviceImpl.this, pfn);
                }

                @Override
                public boolean migrateToRam(AddressSpace mm, long addr) {
                    if (gmem.dev(DeviceImpl.this) != null) {
                        return gmem.hostFault(DeviceImpl.this, mm, addr);
                    }
                    DeviceDriver d = gate.enterCallback(gate.generation(), true);
                    if (d == null) {
                        return false;
                    }
                    try {
                        count("migrate.to_ram", 1);
                        return d.migrateToRam(DeviceImpl.this, mm, addr);
                    } finally {
                        gate.exit();
                    }
                }
            });
        }
        return pagemap;
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

    @Override
    public int primeFd(accelmm.api.device.DeviceFile file, int fdFlags, accelmm.api.device.DeviceImport imported,
            DeviceExport exported, java.util.function.Supplier<DeviceExport> export) {
        return dmaBufs.primeFd(own(file, this), fdFlags, imported, exported, export);
    }

    // ---- files and calls -----------------------------------------------------------------------

    int open(MmProcess process) {
        DeviceDriver d = gate.enter(-1);
        DeviceFileImpl f = null;
        boolean opened = false;
        int id = 0;
        try {
            id = files.alloc(null, 1, 0);
            f = new DeviceFileImpl(id, process, this, gate.generation());
            d.open(f);
            opened = true;
            files.replace(f, id);
            int fd = process.fds().install(f);
            count("open", 1);
            return fd;
        } catch (RuntimeException e) {
            if (opened) {
                safely(d, f);
            }
            if (id > 0) {
                files.remove(id);
            }
            if (f != null) {
                undo(f.takeHeld());
            }
            throw e;
        } finally {
            gate.exitCall();
        }
    }

    private void safely(DeviceDriver d, DeviceFileImpl f) {
        try {
            d.release(f);
        } catch (RuntimeException e) {
            LOG.debug("{}: release of {} failed", name(), f, e);
        }
    }

    <R> R ioctl(DeviceFileImpl f, accelmm.api.device.Request<R> request) {
        if (request == null) {
            throw Errno.EINVAL.exception("no request");
        }
        if (f.closed()) {
            throw Errno.ENODEV.exception(f + " is dead");
        }
        DeviceDriver d = gate.enter(f.generation);
        try {
            count("ioctl", 1);
            return d.ioctl(f, request);
        } finally {
            gate.exitCall();
        }
    }

    /** The last close of a file: the driver releases it, then the core undoes what it still holds. */
    void release(DeviceFileImpl f) {
        if (f.closed()) {
            return;
        }
        DeviceDriver d = gate.enterCallback(f.generation, true);
        if (d != null) {
            try {
                safely(d, f);
            } finally {
                gate.exit();
            }
        }
        gpuSvms.release(f);
        undo(f.takeHeld());
        forget(f);
        count("close", 1);
    }

    /** Frees a file's number unless another file holds it by now. */
    private void forget(DeviceFileImpl f) {
        if (files.find(f.id()) == f) {
            files.remove(f.id());
        }
    }

    private void undo(DeviceFileImpl.Held held) {
        for (DeviceImportImpl i : held.imports()) {
            safely(i::release, "release an import");
        }
        for (DeviceNotifierImpl n : held.notifiers()) {
            n.removeReleased();
        }
        for (SgTable t : held.dmaMaps()) {
            dmaDevice.unmapSg(t);
        }
        for (var p : held.pins()) {
            ((TrackedPins) p).unpinReleased();
        }
        for (var shm : held.files()) {
            shm.close();
        }
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

    private void safely(Runnable r, String what) {
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
        roots.addAll(idrCache.values());
        files.forEach((id, f) -> {
            if (f != null) {
                roots.addAll(f.typedState().values());
            }
            return 0;
        });
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
        List<DeviceFileImpl> open = new ArrayList<>();
        files.forEach((id, f) -> {
            if (f != null && f.generation == ended) {
                open.add(f);
            }
            return 0;
        });
        for (DeviceFileImpl f : open) {
            undo(f.takeHeld());
            forget(f);
        }
        dmaBufs.revokeAll();
        synchronized (pagemapLock) {
            if (pagemap != null) {
                pagemap.evict(0, memory.info().size() >>> 12);
                pagemap.unregister();
                pagemap = null;
            }
        }
        gmem.deviceGone(this);
        if (memory != null && !blocks.isEmpty()) {
            List<Block> all = List.copyOf(blocks);
            blocks.clear();
            memory.freeBlocks(all);
        }
        idrCache.clear();
        for (String n : idrNames) {
            registry.remove(owner(), n);
        }
        idrNames.clear();
        idrCache.clear();
        pgtables.destroy();
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
            shrinker.unregister();
        }
        return true;
    }

    DeviceInfo info() {
        CallGate.DriverRef ref = gate.ref();
        DeviceState st = gate.state();
        return new DeviceInfo(name(), spec.kind(), ref == null ? "-" : ref.bundle(), ref == null ? "-" : ref.version(), st,
                (int) files.count(), binds.sum(), unplugs.sum());
    }

    @Override
    public String toString() {
        return name();
    }
}
