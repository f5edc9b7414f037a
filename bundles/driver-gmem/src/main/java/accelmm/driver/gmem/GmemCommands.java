package accelmm.driver.gmem;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Args;
import accelmm.api.cli.Ioctls;
import accelmm.api.cli.Usage;
import accelmm.api.Errno;
import accelmm.api.cli.DeviceReports;
import accelmm.api.device.Devices;
import accelmm.api.gmem.GmAs;
import accelmm.api.gmem.GmCap;
import accelmm.api.gmem.GmCtx;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmHnode;
import accelmm.api.gmem.GmMmuMode;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRegion;
import accelmm.api.gmem.Gmem;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.ProcessInfo;
import accelmm.api.uapi.gmem.GmemAttach;
import accelmm.api.uapi.gmem.GmemContext;
import accelmm.api.uapi.gmem.GmemMarkHot;
import accelmm.api.uapi.gmem.GmemOp;
import accelmm.api.uapi.gmem.GmemResidency;
import accelmm.api.uapi.gmem.GmemRun;
import accelmm.api.uapi.gmem.GmemRunResult;

/**
 * GMEM shell commands (scope {@code gmem}): the framework's devices and address spaces, a process's
 * logical page table, and the ioctls of an open GMEM file by hand.
 *
 * <p>Concurrency: each command runs on the caller's thread.
 */
@Component(service = GmemCommands.class, property = {"osgi.command.scope=gmem", "osgi.command.function=devices",
    "osgi.command.function=spaces", "osgi.command.function=table", "osgi.command.function=attach",
    "osgi.command.function=run", "osgi.command.function=hot", "osgi.command.function=counters"})
public final class GmemCommands {
    private final Devices devices;
    private final MemoryManager memory;
    private final Gmem gmem;

    /** Creates the commands. */
    @Activate
    public GmemCommands(@Reference Devices devices, @Reference MemoryManager memory, @Reference Gmem gmem) {
        this.devices = devices;
        this.memory = memory;
        this.gmem = gmem;
    }

    /** Lists the GMEM devices: id, device, capabilities, registered memory, contexts. */
    @Descriptor("list GMEM devices: id, device, capabilities, registered pages (free/all), contexts")
    public List<String> devices() {
        List<String> out = new ArrayList<>();
        out.add(String.format("%-4s %-10s %-24s %-14s %s", "ID", "DEVICE", "CAPS", "FREE/PAGES", "CONTEXTS"));
        for (GmDev d : gmem.devices()) {
            long pages = d.hnodes().stream().mapToLong(GmHnode::pages).sum();
            out.add(String.format("%-4d %-10s %-24s %-14s %d", d.id(), d.device(), GmCap.describe(d.caps()),
                    d.freePages() + "/" + pages, d.contexts().size()));
        }
        return out;
    }

    /** Lists the GMEM address spaces with the process and the devices attached. */
    @Descriptor("list GMEM address spaces: id, process, attached devices and their MMU modes")
    public List<String> spaces() {
        List<String> out = new ArrayList<>();
        out.add(String.format("%-4s %-6s %s", "ID", "PID", "CONTEXTS"));
        for (GmAs as : gmem.addressSpaces()) {
            StringBuilder ctx = new StringBuilder();
            for (GmCtx c : as.contexts()) {
                ctx.append(ctx.isEmpty() ? "" : " ").append(c.dev().device()).append(':').append(c.mode());
            }
            out.add(String.format("%-4d %-6s %s", as.id(), pidOf(as), ctx.isEmpty() ? "-" : ctx));
        }
        return out;
    }

    private String pidOf(GmAs as) {
        for (ProcessInfo p : memory.processes()) {
            MmProcess proc = memory.process(p.pid());
            if (proc != null && proc.mm() == as.mm()) {
                return Integer.toString(p.pid());
            }
        }
        return "-";
    }

    /**
     * Shows the logical page table of a process.
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} for an unknown process; {@code EINVAL} if it
     *     has no GMEM address space
     */
    @Descriptor("show the logical page table of a process: each 2 MiB region a device touched and where its pages are")
    public List<String> table(@Descriptor("process id") String pid) {
        GmAs as = gmem.as(memory.process(Args.pid(pid)).mm());
        if (as == null) {
            throw Errno.EINVAL.exception("process " + pid + " has no GMEM address space");
        }
        return rows(as.table(as.begin(), as.end()));
    }

    private static List<String> rows(List<GmRegion> regions) {
        List<String> out = new ArrayList<>();
        out.add(String.format("%-18s %-16s %-8s %-8s %s", "REGION", "STATE", "DEVICE", "DEVPAGES", "HOSTPAGES"));
        for (GmRegion r : regions) {
            out.add(String.format("0x%-16x %-16s %-8s %-8d %d", r.start(), GmPage.describe(r.flags()),
                    r.device() == null ? "-" : r.device(), r.devicePages(), r.hostPages()));
        }
        return out;
    }

    private <R> R ioctl(String pid, String fd, accelmm.api.device.Request<R> request) {
        return Ioctls.call(devices, memory, pid, fd, request);
    }

    /**
     * Attaches a process to its open GMEM file ({@code GMEM_ATTACH}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl; {@code EINVAL} for an unknown mode
     */
    @Descriptor("attach a process to its open GMEM file; prints the address space and device ids")
    public String attach(@Descriptor("process id") String pid, @Descriptor("GMEM file descriptor") String fd,
            @Descriptor("MMU mode: share, coherent_exclusive or replicate") String mode) {
        GmMmuMode m;
        try {
            m = GmMmuMode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Errno.EINVAL.exception("unknown MMU mode " + mode + "; use share, coherent_exclusive or replicate");
        }
        GmemContext c = ioctl(pid, fd, new GmemAttach(m));
        return "as " + c.asId() + " dev " + c.devId() + " " + c.mode();
    }

    /**
     * Runs a kernel over a range ({@code GMEM_RUN}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl; {@code EINVAL} for an unknown operation
     */
    @Descriptor("run a kernel over a range of a process: load (prints the first bytes), store or inc VALUE")
    public String run(@Descriptor("process id") String pid, @Descriptor("GMEM file descriptor") String fd,
            @Descriptor("load, store or inc") String op, @Descriptor("address (0x...)") String address,
            @Descriptor("length in bytes (suffix k, m, g allowed)") String length, @Descriptor("byte value for store and inc, 0 to 255") String value) {
        GmemOp o;
        try {
            o = GmemOp.valueOf(op.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Errno.EINVAL.exception("unknown operation " + op + "; use load, store or inc");
        }
        GmemRunResult r = ioctl(pid, fd, new GmemRun(o, Args.address(address), Args.size("length", length, 0), Args.integer("value", value, 0, 255)));
        StringBuilder s = new StringBuilder(String.format("faults %d migrating %d evictions %d", r.faults(), r.migrating(),
                r.evictions()));
        if (r.data().length > 0) {
            s.append(" data").append(Ioctls.hex(r.data()));
        }
        return s.toString();
    }

    /**
     * Marks a range hot ({@code GMEM_MARK_HOT}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl
     */
    @Descriptor("bring the regions of a range onto the device and keep them there (never evicted)")
    public String hot(@Descriptor("process id") String pid, @Descriptor("GMEM file descriptor") String fd,
            @Descriptor("address (0x...)") String address, @Descriptor("length in bytes (suffix k, m, g allowed)") String length) {
        return ioctl(pid, fd, new GmemMarkHot(Args.address(address), Args.size("length", length, 0))) + " regions hot";
    }

    /**
     * Shows the logical page table over a range through a process's open file ({@code GMEM_RESIDENCY}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl
     */
    @Descriptor("show where the data of a range of a process is, through its open GMEM file")
    @SuppressWarnings("unchecked")
    public List<String> table(@Descriptor("process id") String pid, @Descriptor("GMEM file descriptor") String fd,
            @Descriptor("address (0x...)") String address, @Descriptor("length in bytes (suffix k, m, g allowed)") String length) {
        return rows((List<GmRegion>) ioctl(pid, fd, new GmemResidency(Args.address(address), Args.size("length", length, 0))));
    }

    /**
     * Shows the GMEM counters of a device.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("show the GMEM counters of a device: faults, migrations both ways, evictions, kernels")
    public List<String> counters(@Descriptor("device name") String device) {
        return DeviceReports.countersOfKind(devices, device, "gmem", "gmem.", "migrate.");
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "gmem", args);
    }
}
