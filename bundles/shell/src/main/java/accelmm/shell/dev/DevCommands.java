package accelmm.shell.dev;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.cli.Args;
import accelmm.api.cli.Ioctls;
import accelmm.api.device.DeviceInfo;
import accelmm.api.device.DeviceSpec;
import accelmm.api.device.Devices;
import accelmm.api.mm.MemoryManager;
import accelmm.api.uapi.drm.Drm;
import accelmm.api.uapi.drm.PrimeFdToHandle;
import accelmm.api.uapi.drm.PrimeHandleToFd;
import accelmm.shell.format.Field;
import accelmm.shell.format.Report;
import accelmm.shell.format.Rows;
import accelmm.shell.format.Section;
import accelmm.shell.mm.CounterRow;

/**
 * Device commands (scope {@code dev}): the devices, one device's configuration and binding, its
 * counters, opening and closing a device for a process, and PRIME export and import of BOs.
 *
 * <p>Concurrency: each command runs on the caller's thread; the service locks itself.
 */
@Component(service = DevCommands.class, property = {
    "osgi.command.scope=dev",
    "osgi.command.function=list",
    "osgi.command.function=info",
    "osgi.command.function=stats",
    "osgi.command.function=open",
    "osgi.command.function=close",
    "osgi.command.function=prime_export",
    "osgi.command.function=prime_import"
})
public final class DevCommands {
    private final Devices devices;
    private final MemoryManager memory;

    /** Creates the commands over the device service. */
    @Activate
    public DevCommands(@Reference Devices devices, @Reference MemoryManager memory) {
        this.devices = devices;
        this.memory = memory;
    }

    /**
     * Opens a device for a process, as the process's {@code open(2)} would; the descriptor is what
     * the driver scopes' commands take.
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} for an unknown process; {@code ENODEV} for an
     *     unknown or unbound device; {@code EMFILE} when the process's table is full
     */
    @Descriptor("open a device for a process; prints the file descriptor the driver commands take")
    public int open(@Descriptor("process id") String pid, @Descriptor("device name") String device) {
        return devices.open(memory.process(Args.pid(pid)), device);
    }

    /**
     * Exports a BO as a dma-buf ({@code DRM_IOCTL_PRIME_HANDLE_TO_FD}) on a device that supports
     * PRIME (Panfrost, Xe).
     *
     * @throws accelmm.api.ErrnoException {@code ENOTTY} for a device without PRIME;
     *     {@code ENOENT} for an unknown BO; as the driver
     */
    @Descriptor("export a BO as a dma-buf (PRIME_HANDLE_TO_FD); prints the dma-buf's descriptor")
    public String prime_export(
            @Descriptor("make the dma-buf read-only (no DRM_RDWR): it cannot be mapped shared and writable")
            @Parameter(names = {"--read-only"}, presentValue = "true", absentValue = "false") boolean readOnly,
            @Descriptor("process id") String pid, @Descriptor("the device's file descriptor") String fd,
            @Descriptor("the BO handle") String handle) {
        int flags = Drm.CLOEXEC | (readOnly ? 0 : Drm.RDWR);
        return "fd " + Ioctls.call(devices, memory, pid, fd,
                new PrimeHandleToFd(Args.integer("handle", handle, 1, Integer.MAX_VALUE), flags));
    }

    /**
     * Imports a dma-buf as a BO ({@code DRM_IOCTL_PRIME_FD_TO_HANDLE}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOTTY} for a device without PRIME;
     *     {@code EBADF} or {@code EINVAL} for a descriptor that is not a dma-buf; the exporter's
     *     error
     */
    @Descriptor("import a dma-buf as a BO (PRIME_FD_TO_HANDLE): attach, map and give it a GPU address; prints the handle")
    public String prime_import(@Descriptor("process id") String pid, @Descriptor("the device's file descriptor") String fd,
            @Descriptor("the dma-buf descriptor") String dmabufFd) {
        return "handle " + Ioctls.call(devices, memory, pid, fd, new PrimeFdToHandle(Args.fd(dmabufFd)));
    }

    /**
     * Closes a descriptor of a process; the last close releases the device file.
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} for an unknown process; {@code EBADF} for a
     *     descriptor that is not open
     */
    @Descriptor("close a file descriptor of a process; the last close releases what the file held")
    public void close(@Descriptor("process id") String pid, @Descriptor("file descriptor") String fd) {
        memory.process(Args.pid(pid)).fds().close(Args.fd(fd));
    }

    /** Lists the devices. */
    @Descriptor("list devices: kind, bound driver and version, state, open files")
    public List<DeviceRow> list() {
        Rows<DeviceRow> rows = new Rows<>(DeviceRow.COLUMNS);
        for (DeviceInfo d : devices.list()) {
            rows.add(new DeviceRow(d));
        }
        return rows;
    }

    /**
     * Shows one device.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("show a device: configuration, bound driver, state, binds and unplugs")
    public Report info(@Descriptor("device name") String device) {
        DeviceInfo i = devices.info(device);
        DeviceSpec s = devices.spec(device);
        List<Field> f = new ArrayList<>();
        f.add(new Field("name", i.name()));
        f.add(new Field("kind", i.kind()));
        f.add(new Field("driver", i.driver() + " " + i.driverVersion()));
        f.add(new Field("state", i.state().toString()));
        f.add(new Field("open files", Integer.toString(i.openFiles())));
        f.add(new Field("binds", Long.toString(i.binds())));
        f.add(new Field("unplugs", Long.toString(i.unplugs())));
        List<Field> c = new ArrayList<>();
        c.add(new Field("memory", s.memoryBytes() == 0 ? "none" : (s.memoryBytes() >> 20) + " MiB"));
        c.add(new Field("page sizes", sizes(s.pageSizes())));
        c.add(new Field("device page", sizes(s.devicePageSize())));
        c.add(new Field("max DMA segment", Long.toString(s.maxSegSize())));
        c.add(new Field("PCI position", s.pciPosition() == null ? "-" : s.pciPosition()));
        c.add(new Field("address-space slots", Integer.toString(s.asidSlots())));
        return new Report(List.of(new Section("device", null, f), new Section("configuration", null, c)));
    }

    /**
     * Shows one device's counters.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("show a device's counters: opens, ioctls, binds, pins, DMA maps, TLB flushes, invalidations")
    public List<CounterRow> stats(@Descriptor("device name") String device) {
        Rows<CounterRow> rows = new Rows<>(CounterRow.COLUMNS);
        for (Map.Entry<String, Long> e : devices.stats(device).entrySet()) {
            rows.add(new CounterRow(e.getKey(), e.getValue()));
        }
        return rows;
    }

    /** Names a bitmap of power-of-two sizes: {@code 4K|2M|1G}. */
    static String sizes(long bitmap) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((bitmap & (1L << bit)) != 0) {
                out.add(bit >= 30 ? (1L << (bit - 30)) + "G" : bit >= 20 ? (1L << (bit - 20)) + "M"
                        : bit >= 10 ? (1L << (bit - 10)) + "K" : Long.toString(1L << bit));
            }
        }
        return out.isEmpty() ? "-" : String.join("|", out);
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "dev", args);
    }
}
