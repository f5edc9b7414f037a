package accelmm.core.gmem;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.gmem.GmAs;
import accelmm.api.gmem.GmCap;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmFaultHint;
import accelmm.api.gmem.GmMmuMode;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRet;
import accelmm.api.gmem.Gmem;
import accelmm.api.idr.IdrRegistry;
import accelmm.api.idr.XArrayAlloc;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.Prot;
import accelmm.api.mm.VmaInfo;

/**
 * The GMEM framework: device ids from an XArray, the address spaces of processes, the device fault
 * state machine ({@link #devFault}) and the host fault that brings device data back
 * ({@link #hostFault}).
 *
 * <p>Concurrency: thread-safe.
 */
@Component(service = Gmem.class, configurationPid = "accelmm.core.gmem")
@Designate(ocd = GmemConfig.class)
public final class GmemImpl implements Gmem {
    final MemoryManager memory;
    final GmMoves moves = new GmMoves(this);
    private final XArrayAlloc<DeviceContext> ids;
    private final long maxId;
    private final Map<DeviceContext, GmDevImpl> byDevice = new ConcurrentHashMap<>();
    private final Map<AddressSpace, GmAsImpl> spaces = new ConcurrentHashMap<>();
    private final BitSet nids = new BitSet();
    private final AtomicInteger asIds = new AtomicInteger();
    private final GmFaults faults = new GmFaults(this);

    /** Creates the framework from its configuration. */
    @Activate
    public GmemImpl(@Reference MemoryManager memory, @Reference IdrRegistry registry, GmemConfig config) {
        this(memory, registry, config.maxDeviceId());
    }

    /**
     * Creates the framework.
     *
     * @param maxDeviceId the highest device id
     */
    public GmemImpl(MemoryManager memory, IdrRegistry registry, long maxDeviceId) {
        this.memory = memory;
        this.ids = registry.xarray("gmem", "gm_dev", 0);
        this.maxId = maxDeviceId;
    }

    @Override
    public synchronized GmDev devCreate(DeviceContext device, int caps) {
        if ((caps & ~GmCap.ALL) != 0) {
            throw Errno.EINVAL.exception(String.format("unknown capability bits 0x%x", caps & ~GmCap.ALL));
        }
        if (!(device instanceof GmMmuHost host)) {
            throw Errno.EINVAL.exception("not a device of this core");
        }
        if (device.memory() == null) {
            throw Errno.ENODEV.exception(device.name() + " has no memory");
        }
        if (byDevice.containsKey(device)) {
            throw Errno.EEXIST.exception(device.name() + " already has a GMEM device");
        }
        int id = (int) ids.alloc(device, 0, maxId);
        GmDevImpl d = new GmDevImpl(this, id, caps, device, host.gmMmu());
        byDevice.put(device, d);
        return d;
    }

    @Override
    public GmDev dev(DeviceContext device) {
        return byDevice.get(device);
    }

    /** Returns the live GMEM device of a pagemap owner, or null. */
    GmDevImpl devOf(Object owner) {
        return owner instanceof DeviceContext c ? byDevice.get(c) : null;
    }

    /**
     * Returns a device of this framework.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a foreign one; {@code ENODEV} for a
     *     destroyed one
     */
    GmDevImpl devImpl(GmDev dev) {
        if (!(dev instanceof GmDevImpl d) || d.gmem != this) {
            throw Errno.EINVAL.exception("not a GMEM device of this framework: " + dev);
        }
        if (!d.alive()) {
            throw Errno.ENODEV.exception(d + " was destroyed");
        }
        return d;
    }

    @Override
    public List<GmDev> devices() {
        List<GmDev> out = new ArrayList<>(byDevice.values());
        out.sort(Comparator.comparingInt(GmDev::id));
        return out;
    }

    synchronized void forget(GmDevImpl d) {
        byDevice.remove(d.device, d);
        ids.erase(d.id);
    }

    synchronized int allocNid() {
        int n = nids.nextClearBit(0);
        nids.set(n);
        return n;
    }

    synchronized void freeNid(int nid) {
        nids.clear(nid);
    }

    @Override
    public GmAs asCreate(AddressSpace mm, long begin, long end) {
        if (mm == null || (begin & ~PageSize.PAGE_MASK) != 0 || (end & ~PageSize.PAGE_MASK) != 0 || begin < 0
                || end <= begin) {
            throw Errno.EINVAL.exception(String.format("bad GMEM address space [0x%x, 0x%x)", begin, end));
        }
        synchronized (spaces) {
            if (spaces.containsKey(mm)) {
                throw Errno.EEXIST.exception("the process already has a GMEM address space");
            }
            GmAsImpl as = new GmAsImpl(this, asIds.getAndIncrement(), mm, begin, end);
            spaces.put(mm, as);
            return as;
        }
    }

    @Override
    public GmAs as(AddressSpace mm) {
        return spaces.get(mm);
    }

    @Override
    public List<GmAs> addressSpaces() {
        List<GmAs> out = new ArrayList<>(spaces.values());
        out.sort(Comparator.comparingInt(GmAs::id));
        return out;
    }

    void forget(GmAsImpl as) {
        spaces.remove(as.mm(), as);
    }

    @Override
    public GmRet devFault(AddressSpace mm, long addr, GmDev dev, GmFaultHint hint, boolean write) {
        GmAsImpl as = spaces.get(mm);
        if (as == null || addr < as.begin() || addr >= as.end()) {
            throw Errno.EFAULT.exception(String.format("0x%x is in no GMEM address space", addr));
        }
        GmDevImpl d = devImpl(dev);
        GmCtxImpl ctx = as.ctxOf(d);
        if (ctx == null) {
            throw Errno.EINVAL.exception(d.device() + " is not attached to GMEM address space " + as.id());
        }
        VmaInfo v = mm.vmaLookup(addr);
        if (v == null || (v.prot() & Prot.READ) == 0) {
            throw Errno.EFAULT.exception(String.format("no readable mapping at 0x%x", addr));
        }
        if (write && (v.prot() & Prot.WRITE) == 0) {
            throw Errno.EPERM.exception(String.format("write fault on read-only memory at 0x%x", addr));
        }
        if (v.shared() && ctx.mode == GmMmuMode.COHERENT_EXCLUSIVE) {
            throw Errno.EFAULT.exception(String.format("0x%x is shared memory, which COHERENT_EXCLUSIVE cannot move; "
                    + "attach in REPLICATE or SHARE mode", addr));
        }
        d.device.count("gmem.fault", 1);
        return faults.fault(ctx, addr & -GmPage.REGION, addr, hint == null ? GmFaultHint.NONE : hint, write);
    }


    /**
     * A CPU touched a device page of {@code device} at {@code addr} ({@code gm_host_fault}): the
     * aligned 2 MiB region comes back to host memory.
     *
     * @return false if {@code device} has no GMEM device (the access fails)
     * @throws accelmm.api.ErrnoException as {@link GmMoves#toHost}
     */
    public boolean hostFault(DeviceContext device, AddressSpace mm, long addr) {
        GmDevImpl d = byDevice.get(device);
        if (d == null) {
            return false;
        }
        d.hostFaulted();
        GmAsImpl as = spaces.get(mm);
        d.device.cost().fault(as == null ? 0 : as.pid());
        moves.toHost(mm, as, addr & -GmPage.REGION, d);
        return true;
    }

    /** The core freed frame {@code pfn} of {@code device}'s memory. */
    public void pageFreed(DeviceContext device, long pfn) {
        GmDevImpl d = byDevice.get(device);
        if (d != null) {
            d.pageFreed(pfn);
        }
    }

    /** The device is being unplugged: its GMEM device is destroyed. */
    public void deviceGone(DeviceContext device) {
        GmDevImpl d = byDevice.get(device);
        if (d != null) {
            d.destroy();
        }
    }

    @Override
    public List<String> check() {
        List<String> problems = new ArrayList<>();
        for (GmDevImpl d : byDevice.values()) {
            long used = 0;
            for (var h : d.hnodes()) {
                used += h.pages() - h.freePages();
            }
            long taken = d.taken();
            if (used != taken) {
                problems.add(d + ": hnodes count " + used + " pages taken, frames say " + taken);
            }
        }
        return problems;
    }
}
