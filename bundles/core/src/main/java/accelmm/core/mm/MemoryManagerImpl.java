package accelmm.core.mm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.idr.Ida;
import accelmm.api.idr.Idr;
import accelmm.api.idr.IdrRegistry;
import accelmm.api.hmm.DevicePagemap;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.hmm.PagemapOps;
import accelmm.api.mm.DeviceMemory;
import accelmm.api.mm.FaultSiteInfo;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.NodeInfo;
import accelmm.api.mm.NodeKind;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.ProcessInfo;
import accelmm.api.mm.SharedFile;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.fault.FailSite;
import accelmm.core.mem.MemoryNode;

/**
 * The {@link MemoryManager} service: the host memory node, processes with pids from the registry
 * {@code mm/pid} (allocated cyclically up to {@value #PID_MAX}, as the kernel does), shared files,
 * counters, the invariant check and fault injection.
 *
 * <p>The host node is sized once, from the configuration at activation; a new configuration
 * replaces the service, ending its processes.
 *
 * <p>Concurrency: the process, file and device-node tables are guarded by this object; node
 * lookups by id read a copy of the node table without a lock; each address space locks itself.
 */
@Component(service = MemoryManager.class, configurationPid = "accelmm.core.memory")
@Designate(ocd = MemoryConfig.class)
public final class MemoryManagerImpl implements MemoryManager {
    /** One past the largest pid ({@code PID_MAX_DEFAULT}). */
    public static final int PID_MAX = 32768;
    /** The fault site of page-frame allocation. */
    public static final String PAGE_ALLOC_SITE = "page.alloc";
    /** The fault site of device-memory block allocation. */
    public static final String DEVICE_ALLOC_SITE = "device.alloc";

    private final CoreDiagnostics diag;
    private final MemoryNode host;
    private final Counters counters = new Counters();
    private final Shrinkers shrinkers = new Shrinkers(counters);
    private final Idr<ProcessImpl> pids;
    private final IdrRegistry registry;
    private final Ida nodeIds;
    private final Map<Integer, DeviceMemoryImpl> devices = new java.util.TreeMap<>();
    /** Every memory node by id, replaced whole under this object's lock and read without it. */
    private volatile MemoryNode[] nodesById;
    private final Pagemaps pagemaps = new Pagemaps(this::nodeById);
    private final ThpMode thp;
    private final HugetlbPool hugetlb;
    private final PhysAccess phys = new PhysAccess(this);
    private final Set<FileObject> files = Collections.newSetFromMap(new IdentityHashMap<>());

    /** The most host memory a configuration may give: 1 TiB. */
    public static final long MAX_HOST_MIB = 1L << 20;

    /**
     * Creates the service from its configuration; a {@code hostMiB} outside 1..{@link #MAX_HOST_MIB}
     * is refused with a warning, and the default is used.
     */
    @Activate
    public MemoryManagerImpl(@Reference IdrRegistry registry, MemoryConfig config) {
        this(CoreDiagnostics.shared(), registry, hostMiB(config.hostMiB()) << 20,
                !config.thp() ? ThpMode.NEVER : config.thpMadviseOnly() ? ThpMode.MADVISE : ThpMode.ALWAYS,
                hugePages(config.hugePages(), hostMiB(config.hostMiB())));
    }

    private static long hugePages(long asked, long hostMiB) {
        if (asked >= 0 && asked <= hostMiB / 4) {
            return asked;
        }
        org.slf4j.LoggerFactory.getLogger(MemoryManagerImpl.class).warn(
                "accelmm.core.memory: hugePages: {} is out of range (0 to {}, half the host); using 0", asked, hostMiB / 4);
        return 0;
    }

    private static long hostMiB(long asked) {
        if (asked >= 1 && asked <= MAX_HOST_MIB) {
            return asked;
        }
        org.slf4j.LoggerFactory.getLogger(MemoryManagerImpl.class).warn(
                "accelmm.core.memory: hostMiB: {} is out of range (1 to {}); using {}", asked, MAX_HOST_MIB, DEFAULT_HOST_MIB);
        return DEFAULT_HOST_MIB;
    }

    /** The host memory without configuration. */
    static final long DEFAULT_HOST_MIB = 1024;

    /** Creates a memory manager (tests and benchmarks). */
    public MemoryManagerImpl(CoreDiagnostics diag, IdrRegistry registry, long hostBytes, boolean thp) {
        this(diag, registry, hostBytes, thp ? ThpMode.ALWAYS : ThpMode.NEVER, 0);
    }

    /** Creates a memory manager with a hugetlb pool of {@code hugePages} 2 MiB pages (tests). */
    public MemoryManagerImpl(CoreDiagnostics diag, IdrRegistry registry, long hostBytes, boolean thp, long hugePages) {
        this(diag, registry, hostBytes, thp ? ThpMode.ALWAYS : ThpMode.NEVER, hugePages);
    }

    /** Creates a memory manager whose huge pages follow {@code thp} (tests). */
    MemoryManagerImpl(CoreDiagnostics diag, IdrRegistry registry, long hostBytes, ThpMode thp) {
        this(diag, registry, hostBytes, thp, 0);
    }

    private MemoryManagerImpl(CoreDiagnostics diag, IdrRegistry registry, long hostBytes, ThpMode thp, long hugePages) {
        this.diag = diag;
        this.host = new MemoryNode(0, "host", NodeKind.HOST, hostBytes, diag.faults().site(PAGE_ALLOC_SITE));
        diag.faults().site(DEVICE_ALLOC_SITE);
        this.registry = registry;
        this.pids = registry.idr("mm", "pid", 1);
        this.pids.destroy();
        this.nodeIds = registry.ida("mm", "nodes");
        this.nodeIds.destroy();
        this.thp = thp;
        this.hugetlb = new HugetlbPool(host, hugePages);
        publishNodes();
    }

    /**
     * Ends every process when the service goes away (the bundle stops or its configuration changes,
     * which replaces the host node): their memory belongs to this instance's node.
     */
    @Deactivate
    public void deactivate() {
        for (ProcessImpl p : live()) {
            p.exit();
        }
    }

    /** Returns the host node (core use). */
    public MemoryNode host() {
        return host;
    }

    /**
     * Returns the bytes of a process's CPU page table (footprint reports and benchmarks).
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} for an unknown pid
     */
    public long pageTableBytes(int pid) {
        return ((ProcessImpl) process(pid)).mmImpl().pageTableBytes();
    }

    @Override
    public MmProcess spawn(String name) {
        return register(name, new Mm(host, counters, thp, pagemaps, shrinkers, hugetlb));
    }

    private ProcessImpl register(String name, Mm mm) {
        if (name == null || name.isBlank()) {
            throw Errno.EINVAL.exception("a process needs a name");
        }
        int pid;
        try {
            pid = pids.allocCyclic(null, 1, PID_MAX);
        } catch (ErrnoException e) {
            throw Errno.EAGAIN.exception("no free pid: " + e.getMessage());
        }
        ProcessImpl p = new ProcessImpl(pid, name, mm, new FdTableImpl(registry.idr("pid" + pid, "fds", 0)), this);
        pids.replace(p, pid);
        return p;
    }

    MmProcess fork(ProcessImpl parent, String name) {
        if (!parent.alive()) {
            throw Errno.ESRCH.exception(parent + " has exited");
        }
        Mm child = new Mm(host, counters, thp, pagemaps, shrinkers, hugetlb);
        parent.mmImpl().forkInto(child);
        ProcessImpl p;
        try {
            p = register(name, child);
        } catch (ErrnoException e) {
            child.exit();
            throw e;
        }
        parent.fdsImpl().copyInto(p.fdsImpl());
        return p;
    }

    void reap(ProcessImpl p) {
        p.fdsImpl().closeAll();
        registry.remove("pid" + p.pid(), "fds");
        p.mmImpl().exit();
        pids.remove(p.pid());
        counters.inc(Counter.EXIT);
    }

    @Override
    public MmProcess process(int pid) {
        ProcessImpl p = pids.find(pid);
        if (p == null) {
            throw Errno.ESRCH.exception("no process " + pid);
        }
        return p;
    }

    private List<ProcessImpl> live() {
        List<ProcessImpl> all = new ArrayList<>();
        pids.forEach((id, p) -> {
            all.add(p);
            return 0;
        });
        return all;
    }

    @Override
    public accelmm.api.mm.Shrinker.Registration registerShrinker(String name, accelmm.api.mm.Shrinker shrinker) {
        return shrinkers.register(name, shrinker);
    }

    @Override
    public long reclaim(long nrPages) {
        if (nrPages < 1) {
            throw Errno.EINVAL.exception("reclaim needs at least one page, not " + nrPages);
        }
        return shrinkers.reclaim(nrPages);
    }

    @Override
    public List<ProcessInfo> processes() {
        List<ProcessInfo> out = new ArrayList<>();
        for (ProcessImpl p : live()) {
            long[] size = p.mmImpl().size();
            out.add(new ProcessInfo(p.pid(), p.name(), size[0], size[1], size[2]));
        }
        return out;
    }

    @Override
    public SharedFile createFile(String name, long size, boolean writable) {
        if (name == null || name.isBlank()) {
            throw Errno.EINVAL.exception("a file needs a name");
        }
        FileObject f = new FileObject(name, size, writable, true, host, counters);
        synchronized (this) {
            files.add(f);
        }
        return f;
    }

    @Override
    public SharedFile createHugetlbFile(String name, long size) {
        if (name == null || name.isBlank()) {
            throw Errno.EINVAL.exception("a file needs a name");
        }
        FileObject f = new FileObject(name, size, true, true, host, counters, hugetlb);
        synchronized (this) {
            files.add(f);
        }
        return f;
    }

    @Override
    public accelmm.api.mm.HugetlbInfo hugetlb() {
        return hugetlb.info();
    }

    @Override
    public DeviceMemory createDeviceMemory(String name, long size) {
        if (name == null || name.isBlank()) {
            throw Errno.EINVAL.exception("a memory node needs a name");
        }
        int id = nodeIds.allocRange(1, Integer.MAX_VALUE);
        try {
            DeviceMemoryImpl d = new DeviceMemoryImpl(new MemoryNode(id, name, NodeKind.DEVICE, size,
                    diag.faults().site(DEVICE_ALLOC_SITE)));
            synchronized (this) {
                devices.put(id, d);
                publishNodes();
            }
            return d;
        } catch (RuntimeException e) {
            nodeIds.free(id);
            throw e;
        }
    }

    @Override
    public synchronized void removeDeviceMemory(DeviceMemory node) {
        DeviceMemoryImpl d = node == null ? null : devices.get(node.id());
        if (d == null || d != node) {
            throw Errno.ENODEV.exception("not a device memory node of this manager");
        }
        if (d.info().used() > 0 || pagemaps.ofNode(d.id()) != null) {
            throw Errno.EBUSY.exception(d.info().name() + " still has " + d.info().used() + " bytes allocated or a pagemap");
        }
        devices.remove(d.id());
        publishNodes();
        d.markRemoved();
        nodeIds.free(d.id());
    }

    /** Returns the memory node with {@code id}, or null; takes no lock. */
    MemoryNode nodeById(int id) {
        MemoryNode[] byId = nodesById;
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    /** Returns whether the frame at a physical address is allocated ({@code page_count > 0}); takes no lock but the node's. */
    public boolean frameAllocated(long physAddr) {
        if (physAddr == PhysAddr.ZERO_PAGE) {
            return true;
        }
        MemoryNode n = physAddr < 0 ? null : nodeById(PhysAddr.node(physAddr));
        return n != null && n.isAllocated(PhysAddr.pfn(physAddr));
    }

    /** Rebuilds the lock-free id table from the host and the device table; under this object's lock. */
    private void publishNodes() {
        int max = host.id();
        for (int id : devices.keySet()) {
            max = Math.max(max, id);
        }
        MemoryNode[] byId = new MemoryNode[max + 1];
        byId[host.id()] = host;
        devices.forEach((id, d) -> byId[id] = d.node());
        nodesById = byId;
    }

    private MemoryNode requireNode(int id) {
        MemoryNode n = nodeById(id);
        if (n == null) {
            throw Errno.ENODEV.exception("no memory node " + id);
        }
        return n;
    }

    @Override
    public DevicePagemap registerPagemap(DeviceMemory node, Object owner, PagemapOps ops) {
        return registerPagemap(node, owner, ops, false);
    }

    @Override
    public DevicePagemap registerPagemap(DeviceMemory node, Object owner, PagemapOps ops, boolean coherent) {
        DeviceMemoryImpl d;
        synchronized (this) {
            d = node == null ? null : devices.get(node.id());
        }
        if (d == null || d != node) {
            throw Errno.ENODEV.exception("not a device memory node of this manager");
        }
        return pagemaps.register(d.node(), owner, ops, coherent);
    }

    @Override
    public long allocDevicePage(DeviceMemory node) {
        MemoryNode n = requireNode(node.id());
        return MigratePfn.of(n.id(), n.allocFrame());
    }

    @Override
    public long allocHostPage() {
        return MigratePfn.of(host.id(), host.allocFrame());
    }

    @Override
    public void copyPage(long fromEntry, long toEntry) {
        MemoryNode from = requireNode(MigratePfn.node(fromEntry));
        MemoryNode to = requireNode(MigratePfn.node(toEntry));
        to.copyFrom(from, MigratePfn.pfn(fromEntry), MigratePfn.pfn(toEntry));
    }

    @Override
    public void physRead(long physAddr, byte[] dst, int off, int len) {
        phys.read(physAddr, dst, off, len);
    }

    @Override
    public void physWrite(long physAddr, byte[] src, int off, int len) {
        phys.write(physAddr, src, off, len);
    }

    @Override
    public long physReadStamp(long physAddr) {
        return phys.readStamp(physAddr);
    }

    @Override
    public void physWriteStamp(long physAddr, long stamp) {
        phys.writeStamp(physAddr, stamp);
    }

    @Override
    public List<NodeInfo> nodes() {
        List<NodeInfo> out = new ArrayList<>();
        out.add(host.info());
        synchronized (this) {
            for (DeviceMemoryImpl d : devices.values()) {
                out.add(d.info());
            }
        }
        return out;
    }

    @Override
    public Map<String, Long> counters() {
        return counters.snapshot();
    }

    @Override
    public List<String> check() {
        List<String> problems = new ArrayList<>();
        List<MemoryNode> nodes = new ArrayList<>(List.of(host));
        synchronized (this) {
            devices.values().forEach(d -> nodes.add(d.node()));
        }
        for (MemoryNode n : nodes) {
            String nodeErr = n.checkInvariants();
            if (nodeErr != null) {
                problems.add(nodeErr);
            }
        }
        long[] expected = new long[(int) host.frames()];
        Set<FileObject> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        synchronized (this) {
            files.removeIf(FileObject::released);
            seen.addAll(files);
        }
        for (ProcessImpl p : live()) {
            p.mmImpl().countMappings(expected);
            p.mmImpl().collectFiles(seen);
        }
        for (FileObject f : seen) {
            f.countFrames(expected);
        }
        for (int pfn = 0; pfn < expected.length && problems.size() < 20; pfn++) {
            long want = expected[pfn] + host.pincount(pfn);
            int have = host.refcount(pfn);
            if (want != have) {
                problems.add("host frame " + pfn + ": refcount " + have + " but " + expected[pfn] + " mappings/owners and "
                        + host.pincount(pfn) + " pins");
            }
        }
        return problems;
    }

    private FailSite site(String name) {
        for (FailSite s : diag.faults().sites()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw Errno.ENOENT.exception("no fault site " + name);
    }

    @Override
    public void failArm(String site, int probability, long interval, long times, long seed) {
        FailSite s = site(site);
        try {
            s.arm(probability, interval, times, seed);
        } catch (IllegalArgumentException e) {
            throw Errno.EINVAL.exception(e.getMessage());
        }
    }

    @Override
    public void failDisarm(String site) {
        site(site).disarm();
    }

    @Override
    public List<FaultSiteInfo> failSites() {
        List<FaultSiteInfo> out = new ArrayList<>();
        for (FailSite s : diag.faults().sites()) {
            out.add(new FaultSiteInfo(s.name(), s.armed(), s.calls(), s.failures()));
        }
        return out;
    }
}
