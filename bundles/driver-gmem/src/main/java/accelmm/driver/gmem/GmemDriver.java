package accelmm.driver.gmem;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.IoctlTable;
import accelmm.api.device.Request;
import accelmm.api.device.StateKey;
import accelmm.api.gmem.GmAs;
import accelmm.api.gmem.GmCap;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmFaultArgs;
import accelmm.api.gmem.GmMmu;
import accelmm.api.gmem.GmPmap;
import accelmm.api.gmem.GmRet;
import accelmm.api.gmem.Gmem;
import accelmm.api.lockdep.LockClass;
import accelmm.api.lockdep.TrackedLock;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.mm.AddressSpace;
import accelmm.api.uapi.gmem.GmemAttach;
import accelmm.api.uapi.gmem.GmemContext;
import accelmm.api.uapi.gmem.GmemDetach;
import accelmm.api.uapi.gmem.GmemIoctl;
import accelmm.api.uapi.gmem.GmemMarkHot;
import accelmm.api.uapi.gmem.GmemResidency;
import accelmm.api.uapi.gmem.GmemRun;
import accelmm.api.uapi.gmem.GmemRunResult;

/**
 * The GMEM device driver: a simulated NPU whose memory is registered with GMEM at bind, whose MMU
 * callbacks copy pages in and out of that memory and keep one device page table per attached
 * address space, and whose kernels run over process memory, faulting regions in through GMEM.
 *
 * <p>Device properties: {@code replayable}, {@code peer}, {@code coherent} ({@code true} by
 * default) set the capabilities.
 *
 * <p>Concurrency: page-table changes and device accesses hold the device lock, taking pages of the
 * registered memory holds the allocation lock (both kept in the device state, so they survive driver
 * updates); migrations run outside them.
 */
@Component(service = DeviceDriver.class, property = DeviceDriver.KIND + "=gmem")
public final class GmemDriver implements DeviceDriver, GmMmu {
    /** The user address range a process's GMEM address space covers. */
    static final long USER_END = 1L << 47;
    /** A device's page-allocation lock for peer transfers; taken inside no other lock of the driver. */
    static final LockClass ALLOC_LOCK = LockClass.of("gmem.alloc");
    /** The id of the address space a file attached. */
    static final StateKey<Integer> ATTACHED = StateKey.of("gmem.attached", Integer.class);
    /** The lock that orders device-page allocations of peer maps. */
    private static final StateKey<TrackedLock> ALLOC = StateKey.of("gmem.alloc-lock", TrackedLock.class);
    private final Map<GmDev, DeviceContext> bound = new ConcurrentHashMap<>();

    /** Returns the device lock. */
    static ReentrantLock lock(DeviceContext dev) {
        return dev.lock();
    }

    @Override
    public void bind(DeviceContext device) {
        GmDev g = device.gmem().dev(device);
        if (g == null) {
            g = device.gmem().devCreate(device, caps(device));
            g.registerPhysmem(0, device.memory().info().size());
        }
        bound.put(g, device);
    }

    @Override
    public void unbind(DeviceContext device) {
        // The device stays known: callbacks reach this driver until its unbind returns (the core
        // then stops them), and its state is the core's.
    }

    private static int caps(DeviceContext device) {
        Map<String, String> p = device.spec().properties();
        int caps = 0;
        caps |= !"false".equals(p.get("replayable")) ? GmCap.REPLAYABLE : 0;
        caps |= !"false".equals(p.get("peer")) ? GmCap.PEER : 0;
        caps |= !"false".equals(p.get("coherent")) ? GmCap.COHERENT : 0;
        return caps;
    }

    /** Returns the GMEM device of a device. */
    static GmDev gmDev(DeviceContext device) {
        GmDev g = device.gmem().dev(device);
        if (g == null) {
            throw Errno.ENODEV.exception(device.name() + " has no GMEM device");
        }
        return g;
    }

    private static final IoctlTable IOCTLS = IoctlTable.builder("GMEM", GmemIoctl.class)
            .on(GmemAttach.class, (file, a) -> attach(file, gmDev(file.device()), a))
            .on(GmemDetach.class, (file, d) -> {
                GmemKernel.attachedSpace(file, gmDev(file.device())).detach(gmDev(file.device()));
                file.state().remove(ATTACHED);
                return null;
            })
            .on(GmemRun.class, GmemDriver::run)
            .on(GmemMarkHot.class, (file, h) -> GmemKernel.markHot(file, gmDev(file.device()), h))
            .on(GmemResidency.class, (file, q) -> {
                gmDev(file.device());
                GmAs as = file.device().gmem().as(file.process().mm());
                if (as == null) {
                    throw Errno.EINVAL.exception("the process has no GMEM address space");
                }
                GmemKernel.checkRange(q.addr(), q.length());
                return as.table(q.addr(), q.addr() + q.length());
            })
            .build();

    @Override
    public <R> R ioctl(DeviceFile file, Request<R> request) {
        return IOCTLS.dispatch(file, request);
    }

    private static GmemContext attach(DeviceFile file, GmDev g, GmemAttach a) {
        Gmem gmem = file.device().gmem();
        AddressSpace mm = file.process().mm();
        if (a.mode() == null) {
            throw Errno.EINVAL.exception("no MMU mode");
        }
        if (file.state().get(ATTACHED) != null) {
            throw Errno.EEXIST.exception("this file already attached its process");
        }
        GmAs as = gmem.as(mm);
        if (as == null) {
            try {
                as = gmem.asCreate(mm, 0, USER_END);
            } catch (ErrnoException e) {
                as = gmem.as(mm);
                if (as == null) {
                    throw e;
                }
            }
        }
        as.attach(g, a.mode(), true);
        file.state().put(ATTACHED, as.id());
        file.device().count("gmem.attach", 1);
        return new GmemContext(as.id(), g.id(), a.mode());
    }

    @Override
    public void release(DeviceFile file) {
        if (file.state().remove(ATTACHED) == null) {
            return;
        }
        GmDev g = file.device().gmem().dev(file.device());
        GmAs as = g == null ? null : file.device().gmem().as(file.process().mm());
        if (as != null && as.contexts().stream().anyMatch(c -> c.dev() == g)) {
            as.detach(g);
        }
    }

    // ---- gm_mmu ---------------------------------------------------------------------------------

    private DeviceContext device(GmDev g) {
        DeviceContext d = bound.get(g);
        if (d == null) {
            throw Errno.ENODEV.exception(g + " is not bound to this driver");
        }
        return d;
    }

    @Override
    public Object pmapCreate(GmDev dev) {
        return new GmPmap(device(dev).ioPgtable((1L << 12) | (1L << 21), 48, 48));
    }

    @Override
    public void pmapDestroy(GmDev dev, Object pmap) {
        DeviceContext d = device(dev);
        lock(d).lock();
        try {
            GmPmap p = ((GmPmap) pmap);
            p.release(0, USER_END);
            d.freePgtable(p.table());
        } finally {
            lock(d).unlock();
        }
    }

    @Override
    public void pmapEnter(GmDev dev, Object pmap, long va, long size, long pa, int prot) {
        DeviceContext d = device(dev);
        lock(d).lock();
        try {
            ((GmPmap) pmap).enter(va, size, pa, prot);
        } finally {
            lock(d).unlock();
        }
    }

    @Override
    public void pmapRelease(GmDev dev, Object pmap, long va, long size) {
        DeviceContext d = device(dev);
        lock(d).lock();
        try {
            ((GmPmap) pmap).release(va, size);
        } finally {
            lock(d).unlock();
        }
    }

    @Override
    public void pmapProtect(GmDev dev, Object pmap, long va, long size, int prot) {
        DeviceContext d = device(dev);
        lock(d).lock();
        try {
            ((GmPmap) pmap).protect(va, size, prot);
        } finally {
            lock(d).unlock();
        }
    }

    @Override
    public void tlbInvl(GmDev dev, Object pmap, long va, long size) {
        device(dev).count("gmem.tlb_invl", 1);
    }

    @Override
    public GmRet peerMap(GmFaultArgs args) {
        DeviceContext d = device(args.dev);
        int moving = 0;
        for (long s : args.src) {
            moving += MigratePfn.migrate(s) ? 1 : 0;
        }
        ReentrantLock alloc = d.state().computeIfAbsent(ALLOC, () -> new TrackedLock(ALLOC_LOCK));
        alloc.lock();
        try {
            if (args.dev.freePages() < moving) {
                return GmRet.MIGRATING;
            }
            for (int i = 0; i < args.src.length; i++) {
                if (MigratePfn.migrate(args.src[i])) {
                    args.dst[i] = args.dev.allocPage();
                }
            }
        } finally {
            alloc.unlock();
        }
        for (int i = 0; i < args.src.length; i++) {
            if (args.copy && MigratePfn.migrate(args.src[i]) && MigratePfn.valid(args.src[i])) {
                d.memoryManager().copyPage(args.src[i], args.dst[i]);
            }
        }
        d.count("gmem.peer_map", 1);
        return GmRet.SUCCESS;
    }

    @Override
    public void peerUnmap(GmFaultArgs args) {
        DeviceContext d = device(args.dev);
        for (int i = 0; i < args.src.length; i++) {
            if (args.copy && MigratePfn.migrate(args.src[i]) && MigratePfn.valid(args.dst[i])) {
                d.memoryManager().copyPage(args.src[i], args.dst[i]);
            }
        }
        d.count("gmem.peer_unmap", 1);
    }

    /** Runs a kernel, a slice of the process's simulated time in a trace. */
    private static GmemRunResult run(DeviceFile file, GmemRun r) {
        int pid = file.process().pid();
        long start = file.device().cost().processNanos(pid);
        try {
            return GmemKernel.run(file, gmDev(file.device()), r);
        } finally {
            file.device().cost().slice(pid, "gmem kernel", start);
        }
    }
}
