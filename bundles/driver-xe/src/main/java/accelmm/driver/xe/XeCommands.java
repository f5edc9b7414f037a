package accelmm.driver.xe;

import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.Errno;
import accelmm.api.cli.Args;
import accelmm.api.cli.Ioctls;
import accelmm.api.cli.Usage;
import accelmm.api.cli.DeviceReports;
import accelmm.api.device.Devices;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBindBo;
import accelmm.api.uapi.xe.XeUnbind;
import accelmm.api.uapi.xe.XeBindMirror;
import accelmm.api.uapi.xe.XeBindUserptr;
import accelmm.api.uapi.xe.XeBoClose;
import accelmm.api.uapi.xe.XeBoCreate;
import accelmm.api.uapi.xe.XeCmd;
import accelmm.api.uapi.xe.XeExec;
import accelmm.api.uapi.xe.XeExecResult;
import accelmm.api.uapi.xe.XeGemMmapOffset;
import accelmm.api.uapi.xe.XeMmap;
import accelmm.api.uapi.xe.XeMadvise;
import accelmm.api.uapi.xe.XePrefetch;
import accelmm.api.uapi.xe.XeVmCreate;
import accelmm.api.uapi.xe.XeVmDestroy;

/**
 * Xe shell commands (scope {@code xe}): the devices, their counters, and every ioctl of the Xe
 * uapi on a process's open file (from {@code dev:open PID xe0}), named after the kernel's
 * {@code DRM_IOCTL_XE_*}: VMs, CPU-address-mirror and userptr binds, memory advice, prefetch,
 * buffer objects and GPU execs.
 *
 * <p>Concurrency: each command runs on the caller's thread.
 */
@Component(service = XeCommands.class, property = {"osgi.command.scope=xe", "osgi.command.function=devices",
    "osgi.command.function=counters", "osgi.command.function=vm_create", "osgi.command.function=vm_destroy",
    "osgi.command.function=vm_bind", "osgi.command.function=madvise", "osgi.command.function=prefetch",
    "osgi.command.function=bo_create", "osgi.command.function=bo_bind", "osgi.command.function=unbind", "osgi.command.function=bo_close",
    "osgi.command.function=bo_mmap", "osgi.command.function=exec"})
public final class XeCommands {
    private final Devices devices;
    private final MemoryManager memory;

    /** Creates the commands. */
    @Activate
    public XeCommands(@Reference Devices devices, @Reference MemoryManager memory) {
        this.devices = devices;
        this.memory = memory;
    }

    /** Lists the Xe devices. */
    @Descriptor("list Xe devices with their state and open files")
    public List<String> devices() {
        return DeviceReports.devicesOfKind(devices, "xe");
    }

    /**
     * Shows the Xe counters of a device.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device or one of another kind
     */
    @Descriptor("show the Xe counters of a device: GPU faults, ranges, binds, migrations, evictions, retries")
    public List<String> counters(@Descriptor("device name") String device) {
        return DeviceReports.countersOfKind(devices, device, "xe", "xe.", "migrate.", "notifier.invalidate");
    }

    private <R> R ioctl(String pid, String fd, accelmm.api.device.Request<R> request) {
        return Ioctls.call(devices, memory, pid, fd, request);
    }

    /**
     * Creates a VM ({@code DRM_IOCTL_XE_VM_CREATE}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl
     */
    @Descriptor("create a VM on an open Xe file (fault mode unless --no-fault); prints the VM id")
    public String vm_create(@Descriptor("a VM without GPU page faults") @Parameter(names = "--no-fault", presentValue = "true",
            absentValue = "false") boolean noFault, @Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd) {
        return "vm " + ioctl(pid, fd, new XeVmCreate(!noFault));
    }

    /**
     * Destroys a VM ({@code DRM_IOCTL_XE_VM_DESTROY}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown VM
     */
    @Descriptor("destroy a VM: its binds, GPU mappings and device memory go")
    public String vm_destroy(@Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd,
            @Descriptor("VM id") String vm) {
        ioctl(pid, fd, new XeVmDestroy(Args.integer("vm", vm, 0, Integer.MAX_VALUE)));
        return "vm " + vm + " destroyed";
    }

    /**
     * Binds a range of the process's address space ({@code DRM_XE_VM_BIND_OP_MAP} with
     * {@code DRM_XE_VM_BIND_FLAG_CPU_ADDR_MIRROR}, or a userptr with {@code --userptr}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unaligned or overlapping range
     */
    @Descriptor("bind a range of the process's memory into a VM: a CPU-address mirror (SVM), or --userptr")
    public String vm_bind(@Descriptor("bind as a userptr (pinned at exec) instead of a mirror") @Parameter(names = "--userptr",
            presentValue = "true", absentValue = "false") boolean userptr, @Descriptor("process id") String pid,
            @Descriptor("Xe file descriptor") String fd, @Descriptor("VM id") String vm, @Descriptor("start address") String start,
            @Descriptor("length (suffix k, m, g allowed)") String length) {
        int v = Args.integer("vm", vm, 0, Integer.MAX_VALUE);
        long a = Args.address(start);
        long end = a + Args.size("length", length, 1);
        ioctl(pid, fd, userptr ? new XeBindUserptr(v, a, end) : new XeBindMirror(v, a, end));
        return String.format(Locale.ROOT, "bound 0x%x-0x%x as %s", a, end, userptr ? "a userptr" : "a mirror");
    }

    /**
     * Advises where a range should live ({@code DRM_IOCTL_XE_MADVISE}, preferred location).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad location or a device without VRAM
     */
    @Descriptor("advise where a range of a VM should live: vram or system")
    public String madvise(@Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd,
            @Descriptor("VM id") String vm, @Descriptor("start address") String start,
            @Descriptor("length (suffix k, m, g allowed)") String length, @Descriptor("vram or system") String location) {
        long a = Args.address(start);
        long end = a + Args.size("length", length, 1);
        ioctl(pid, fd, new XeMadvise(Args.integer("vm", vm, 0, Integer.MAX_VALUE), a, end, location(location)));
        return String.format(Locale.ROOT, "0x%x-0x%x prefers %s", a, end, location);
    }

    /**
     * Migrates a range ahead of use ({@code DRM_XE_VM_BIND_OP_PREFETCH}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl
     */
    @Descriptor("prefetch a range of a VM to where its advice says, before the GPU touches it")
    public String prefetch(@Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd,
            @Descriptor("VM id") String vm, @Descriptor("start address") String start,
            @Descriptor("length (suffix k, m, g allowed)") String length) {
        long a = Args.address(start);
        long end = a + Args.size("length", length, 1);
        ioctl(pid, fd, new XePrefetch(Args.integer("vm", vm, 0, Integer.MAX_VALUE), a, end));
        return String.format(Locale.ROOT, "prefetched 0x%x-0x%x", a, end);
    }

    /**
     * Creates a buffer object ({@code DRM_IOCTL_XE_GEM_CREATE}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM} when the placement is full
     */
    @Descriptor("create a buffer object in vram or system memory; prints its handle")
    public String bo_create(@Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd,
            @Descriptor("size (suffix k, m, g allowed)") String size, @Descriptor("vram or system") String placement) {
        return "handle " + ioctl(pid, fd, new XeBoCreate(Args.size("size", size, 1), location(placement)));
    }

    /**
     * Binds a buffer object at a GPU address ({@code DRM_XE_VM_BIND_OP_MAP}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown handle; {@code EINVAL} for an
     *     overlap with a BO or userptr bind; {@code EBUSY} over SVM ranges of a mirror
     */
    @Descriptor("bind a buffer object into a VM at a GPU address (inside a CPU address mirror it takes that part)")
    public String bo_bind(@Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd,
            @Descriptor("VM id") String vm, @Descriptor("BO handle") String handle, @Descriptor("GPU address") String va) {
        ioctl(pid, fd, new XeBindBo(Args.integer("vm", vm, 0, Integer.MAX_VALUE), Args.integer("handle", handle, 1, Integer.MAX_VALUE),
                Args.address(va)));
        return "handle " + handle + " bound at " + va;
    }

    /**
     * Unmaps a range of a VM ({@code DRM_XE_VM_BIND_OP_UNMAP}).
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} while SVM ranges are mapped in a mirror
     *     there; {@code EINVAL} for a bad range or one over a userptr bind
     */
    @Descriptor("unmap [START, END) of a VM: BO binds there go (one cut keeps its other parts), mirrors lose that part")
    public String unbind(@Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd,
            @Descriptor("VM id") String vm, @Descriptor("first GPU address") String start, @Descriptor("end GPU address") String end) {
        ioctl(pid, fd, new XeUnbind(Args.integer("vm", vm, 0, Integer.MAX_VALUE), Args.address(start), Args.address(end)));
        return "unbound [" + start + ", " + end + ")";
    }

    /**
     * Closes a buffer object handle ({@code DRM_IOCTL_GEM_CLOSE}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown handle
     */
    @Descriptor("close a buffer object handle")
    public String bo_close(@Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd,
            @Descriptor("BO handle") String handle) {
        ioctl(pid, fd, new XeBoClose(Args.integer("handle", handle, 1, Integer.MAX_VALUE)));
        return "handle " + handle + " closed";
    }

    /**
     * Maps a BO into the process through its mmap offset ({@code DRM_IOCTL_XE_GEM_MMAP_OFFSET} and
     * {@code mmap}); a VRAM BO moves to system memory first.
     *
     * @throws accelmm.api.ErrnoException as the ioctl and {@code mmap}
     */
    @Descriptor("map a BO into the process (GEM_MMAP_OFFSET, then mmap shared); a VRAM BO moves to system memory first; prints the address")
    public String bo_mmap(@Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd,
            @Descriptor("BO handle") String handle) {
        XeMmap m = ioctl(pid, fd, new XeGemMmapOffset(Args.integer("handle", handle, 1, Integer.MAX_VALUE), 0));
        MmProcess p = memory.process(Args.pid(pid));
        long addr = p.mm().mmap(0, m.file().size(), Prot.READ | Prot.WRITE, MapFlags.SHARED, m.file(), 0);
        return String.format(Locale.ROOT, "0x%x", addr);
    }

    /**
     * Runs one GPU command on a VM ({@code DRM_IOCTL_XE_EXEC}): store a byte value over a range,
     * load a range (prints the first bytes), or atomically increment the u32 at an address.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown operation; as the ioctl
     */
    @Descriptor("run a GPU command on a VM: store VALUE over a range, load a range, or inc the u32 at ADDRESS; prints what faulted and what was loaded")
    public String exec(@Descriptor("byte value for store (0 to 255); ignored otherwise") @Parameter(names = {"-v", "--value"}, absentValue = "0") String value,
            @Descriptor("process id") String pid, @Descriptor("Xe file descriptor") String fd,
            @Descriptor("VM id") String vm, @Descriptor("store, load or inc") String op, @Descriptor("GPU address") String address,
            @Descriptor("length (suffix k, m allowed; 4 for inc)") String length) {
        long a = Args.address(address);
        int len = (int) Math.min(Integer.MAX_VALUE, Args.size("length", length, 1));
        XeCmd cmd = switch (op) {
            case "store" -> {
                byte[] data = new byte[len];
                java.util.Arrays.fill(data, (byte) Args.integer("value", value, 0, 255));
                yield new XeCmd(XeCmd.Op.STORE, a, len, data, 0);
            }
            case "load" -> new XeCmd(XeCmd.Op.LOAD, a, len, null, 0);
            case "inc" -> new XeCmd(XeCmd.Op.ATOMIC_INC, a, 4, null, 0);
            default -> throw Errno.EINVAL.exception("operation '" + op + "': store, load or inc");
        };
        XeExecResult r = ioctl(pid, fd, new XeExec(Args.integer("vm", vm, 0, Integer.MAX_VALUE), List.of(cmd)));
        StringBuilder b = new StringBuilder(r.done() ? "done" : String.format(Locale.ROOT, "GPU fault at 0x%x: %s", r.faultAddress(),
                r.faultErrno()));
        b.append(", ").append(r.gpuFaults()).append(" GPU faults");
        for (byte[] l : r.loads()) {
            b.append("; loaded").append(Ioctls.hex(l));
        }
        return b.toString();
    }

    private static int location(String s) {
        return switch (s) {
            case "vram" -> Xe.LOC_VRAM;
            case "system" -> Xe.LOC_SYSTEM;
            default -> throw Errno.EINVAL.exception("location '" + s + "': vram or system");
        };
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "xe", args);
    }
}
