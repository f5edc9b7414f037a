package accelmm.driver.panfrost;

import java.util.ArrayList;
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
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostFreeBo;
import accelmm.api.uapi.panfrost.PanfrostGetBoOffset;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostMadvise;
import accelmm.api.uapi.panfrost.PanfrostMmap;
import accelmm.api.uapi.panfrost.PanfrostMmapBo;
import accelmm.api.uapi.panfrost.PanfrostSubmit;
import accelmm.api.uapi.panfrost.PanfrostWaitBo;

/**
 * Panfrost shell commands (scope {@code panfrost}): the devices, their counters, and every ioctl
 * of the Panfrost uapi on a process's open file (from {@code dev:open PID panfrost0}), named after
 * the kernel's {@code DRM_IOCTL_PANFROST_*}: create, free, mmap and madvise BOs, their GPU
 * offsets, waits and job submission.
 *
 * <p>Concurrency: each command runs on the caller's thread.
 */
@Component(service = PanfrostCommands.class, property = {"osgi.command.scope=panfrost", "osgi.command.function=devices",
    "osgi.command.function=counters", "osgi.command.function=create_bo", "osgi.command.function=free_bo",
    "osgi.command.function=get_bo_offset", "osgi.command.function=mmap_bo", "osgi.command.function=madvise",
    "osgi.command.function=wait_bo", "osgi.command.function=submit"})
public final class PanfrostCommands {
    private final Devices devices;
    private final MemoryManager memory;

    /** Creates the commands. */
    @Activate
    public PanfrostCommands(@Reference Devices devices, @Reference MemoryManager memory) {
        this.devices = devices;
        this.memory = memory;
    }

    /** Lists the Panfrost devices. */
    @Descriptor("list Panfrost devices with their state and open files")
    public List<String> devices() {
        return DeviceReports.devicesOfKind(devices, "panfrost");
    }

    /**
     * Shows the Panfrost counters of a device.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device or one of another kind
     */
    @Descriptor("show the Panfrost counters of a device: BOs, jobs, heap faults, purges, slot steals")
    public List<String> counters(@Descriptor("device name") String device) {
        return DeviceReports.countersOfKind(devices, device, "panfrost", "panfrost.", "asid.steal", "tlb.flush");
    }

    private <R> R ioctl(String pid, String fd, accelmm.api.device.Request<R> request) {
        return Ioctls.call(devices, memory, pid, fd, request);
    }

    private static int handle(String h) {
        return Args.integer("handle", h, 1, Integer.MAX_VALUE);
    }

    /**
     * Creates a BO ({@code DRM_IOCTL_PANFROST_CREATE_BO}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a heap BO without NOEXEC (as the kernel); {@code ENOSPC}
     */
    @Descriptor("create a buffer object; prints its handle and GPU address")
    public String create_bo(@Descriptor("a heap BO, grown by GPU faults (needs --noexec)") @Parameter(names = "--heap",
            presentValue = "true", absentValue = "false") boolean heap,
            @Descriptor("not executable by the GPU") @Parameter(names = "--noexec", presentValue = "true", absentValue = "false") boolean noexec,
            @Descriptor("process id") String pid, @Descriptor("Panfrost file descriptor") String fd,
            @Descriptor("size (suffix k, m allowed)") String size) {
        int flags = (heap ? Panfrost.BO_HEAP : 0) | (noexec ? Panfrost.BO_NOEXEC : 0);
        PanfrostBo bo = ioctl(pid, fd, new PanfrostCreateBo(Args.size("size", size, 1), flags, 0));
        return String.format(Locale.ROOT, "handle %d at GPU 0x%x", bo.handle(), bo.offset());
    }

    /**
     * Frees a BO handle ({@code DRM_IOCTL_GEM_CLOSE}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown handle
     */
    @Descriptor("close a buffer object handle; the BO goes once nothing maps it")
    public String free_bo(@Descriptor("process id") String pid, @Descriptor("Panfrost file descriptor") String fd,
            @Descriptor("BO handle") String handle) {
        ioctl(pid, fd, new PanfrostFreeBo(handle(handle)));
        return "handle " + handle + " closed";
    }

    /**
     * The GPU address of a BO ({@code DRM_IOCTL_PANFROST_GET_BO_OFFSET}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown handle
     */
    @Descriptor("print the GPU address of a buffer object")
    public String get_bo_offset(@Descriptor("process id") String pid, @Descriptor("Panfrost file descriptor") String fd,
            @Descriptor("BO handle") String handle) {
        return String.format(Locale.ROOT, "0x%x", ioctl(pid, fd, new PanfrostGetBoOffset(handle(handle))));
    }

    /**
     * Maps a BO into the process ({@code DRM_IOCTL_PANFROST_MMAP_BO}, then {@code mmap} of the
     * offset): the CPU sees the same pages as the GPU.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a heap BO (as the kernel); as {@code mmap}
     */
    @Descriptor("map a buffer object into the process's memory; prints the CPU address")
    public String mmap_bo(@Descriptor("process id") String pid, @Descriptor("Panfrost file descriptor") String fd,
            @Descriptor("BO handle") String handle, @Descriptor("size to map (suffix allowed)") String size) {
        PanfrostMmap m = ioctl(pid, fd, new PanfrostMmapBo(handle(handle), 0));
        MmProcess p = memory.process(Args.pid(pid));
        long addr = p.mm().mmap(0, Args.size("size", size, 1), Prot.READ | Prot.WRITE, MapFlags.SHARED, m.file(), 0);
        return String.format(Locale.ROOT, "0x%x", addr);
    }

    /**
     * Marks a BO purgeable or needed ({@code DRM_IOCTL_PANFROST_MADVISE}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad advice
     */
    @Descriptor("mark a buffer object dontneed (the shrinker may purge it) or willneed; prints whether its pages were retained")
    public String madvise(@Descriptor("process id") String pid, @Descriptor("Panfrost file descriptor") String fd,
            @Descriptor("BO handle") String handle, @Descriptor("willneed or dontneed") String advice) {
        int madv = switch (advice) {
            case "willneed" -> Panfrost.MADV_WILLNEED;
            case "dontneed" -> Panfrost.MADV_DONTNEED;
            default -> throw Errno.EINVAL.exception("advice '" + advice + "': willneed or dontneed");
        };
        Object retained = ioctl(pid, fd, new PanfrostMadvise(handle(handle), madv));
        return Boolean.TRUE.equals(retained) ? "retained" : "purged: its contents are gone";
    }

    /**
     * Waits for the jobs that use a BO ({@code DRM_IOCTL_PANFROST_WAIT_BO}).
     *
     * @throws accelmm.api.ErrnoException {@code ETIMEDOUT}, or {@code EBUSY} for a zero timeout, while busy
     */
    @Descriptor("wait until no job uses a buffer object")
    public String wait_bo(@Descriptor("process id") String pid, @Descriptor("Panfrost file descriptor") String fd,
            @Descriptor("BO handle") String handle, @Descriptor("timeout in ms") String timeoutMs) {
        ioctl(pid, fd, new PanfrostWaitBo(handle(handle), Args.number("timeout", timeoutMs, 0, Long.MAX_VALUE / 1_000_000) * 1_000_000, 0));
        return "idle";
    }

    /**
     * Submits a job of one command ({@code DRM_IOCTL_PANFROST_SUBMIT}) over the BOs given.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown operation; as the ioctl
     */
    @Descriptor("submit a job: store VALUE over a GPU range, or load one (prints the first bytes); heap faults grow heap BOs")
    public String submit(@Descriptor("BO handles the job uses, comma separated") @Parameter(names = {"-b", "--bos"}, absentValue = "") String bos,
            @Descriptor("byte value for store (0 to 255)") @Parameter(names = {"-v", "--value"}, absentValue = "0") String value,
            @Descriptor("process id") String pid, @Descriptor("Panfrost file descriptor") String fd,
            @Descriptor("store or load") String op, @Descriptor("GPU address") String address,
            @Descriptor("length (suffix k, m allowed)") String length) {
        long a = Args.address(address);
        int len = (int) Math.min(Integer.MAX_VALUE, Args.size("length", length, 1));
        PanfrostCmd cmd = switch (op) {
            case "store" -> {
                byte[] data = new byte[len];
                java.util.Arrays.fill(data, (byte) Args.integer("value", value, 0, 255));
                yield new PanfrostCmd(PanfrostCmd.Op.STORE, a, 0, len, data);
            }
            case "load" -> new PanfrostCmd(PanfrostCmd.Op.LOAD, a, 0, len, null);
            default -> throw Errno.EINVAL.exception("operation '" + op + "': store or load");
        };
        List<Integer> handles = new ArrayList<>();
        for (String h : bos.isBlank() ? new String[0] : bos.split(",")) {
            handles.add(handle(h.trim()));
        }
        PanfrostJob j = ioctl(pid, fd, new PanfrostSubmit(handles, List.of(cmd)));
        StringBuilder b = new StringBuilder(j.done() ? "done" : String.format(Locale.ROOT, "job fault at 0x%x: %s", j.faultAddress(),
                j.faultErrno()));
        b.append(", ").append(j.heapFaults()).append(" heap faults");
        for (byte[] l : j.loads()) {
            b.append("; loaded").append(Ioctls.hex(l));
        }
        return b.toString();
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "panfrost", args);
    }
}
