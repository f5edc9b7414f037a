package accelmm.driver.gna;

import java.util.List;

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
import accelmm.api.mm.MemoryManager;
import accelmm.api.uapi.gna.Gna;
import accelmm.api.uapi.gna.GnaBuffer;
import accelmm.api.uapi.gna.GnaCompute;
import accelmm.api.uapi.gna.GnaMapMemory;
import accelmm.api.uapi.gna.GnaUnmapMemory;
import accelmm.api.uapi.gna.GnaWait;
import accelmm.api.uapi.gna.GnaWaitReply;

/**
 * GNA shell commands (scope {@code gna}): the ioctls of a process's open GNA file by hand, the
 * device parameters, devices and counters.
 *
 * <p>Concurrency: each command runs on the caller's thread.
 */
@Component(service = GnaCommands.class, property = {"osgi.command.scope=gna", "osgi.command.function=map",
    "osgi.command.function=unmap", "osgi.command.function=score", "osgi.command.function=wait",
    "osgi.command.function=info", "osgi.command.function=devices", "osgi.command.function=counters"})
public final class GnaCommands {
    private final Devices devices;
    private final MemoryManager memory;

    /** Creates the commands. */
    @Activate
    public GnaCommands(@Reference Devices devices, @Reference MemoryManager memory) {
        this.devices = devices;
        this.memory = memory;
    }

    private <R> R ioctl(String pid, String fd, accelmm.api.device.Request<R> request) {
        return Ioctls.call(devices, memory, pid, fd, request);
    }

    /**
     * Registers user memory of a process ({@code GNA_MAP_MEMORY}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl; {@code ESRCH}, {@code EBADF}
     */
    @Descriptor("register user memory of a process with its open GNA file; prints the memory id")
    public long map(@Descriptor("process id") String pid, @Descriptor("GNA file descriptor") String fd,
            @Descriptor("page-aligned address (0x...)") String address, @Descriptor("size in bytes (suffix k, m allowed)") String size) {
        return ioctl(pid, fd, new GnaMapMemory(Args.address(address), Args.size("size", size, 0))).memoryId();
    }

    /**
     * Frees a memory object ({@code GNA_UNMAP_MEMORY}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl
     */
    @Descriptor("free a memory object of the file; queued requests that use it are deleted")
    public void unmap(@Descriptor("process id") String pid, @Descriptor("GNA file descriptor") String fd,
            @Descriptor("memory id") String memoryId) {
        ioctl(pid, fd, new GnaUnmapMemory(Args.number("memory id", memoryId, 0, 0xffffffffL)));
    }

    /**
     * Queues a request over one whole memory object, layers from device address 0.
     *
     * @throws accelmm.api.ErrnoException as the ioctl
     */
    @Descriptor("queue a request over a whole memory object (XNN, layers from device address 0); prints the request id")
    public long score(@Descriptor("process id") String pid, @Descriptor("GNA file descriptor") String fd,
            @Descriptor("memory id") String memoryId, @Descriptor("number of layers") String layers,
            @Descriptor("bytes of the object (suffix k, m allowed)") String size) {
        GnaCompute c = new GnaCompute(0, Args.number("layers", layers, 0, 0xffffffffL),
                List.of(new GnaBuffer(Args.number("memory id", memoryId, 0, 0xffffffffL), 0, Args.size("size", size, 0), List.of())),
                Gna.MODE_XNN);
        return ioctl(pid, fd, c).requestId();
    }

    /**
     * Waits for a request ({@code GNA_WAIT}).
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} on timeout; the request's errno
     */
    @Descriptor("wait for a request; prints its status bits and cycles")
    public String wait(@Descriptor("process id") String pid, @Descriptor("GNA file descriptor") String fd,
            @Descriptor("request id") String requestId, @Descriptor("timeout in ms") String timeoutMs) {
        GnaWaitReply r = ioctl(pid, fd, new GnaWait(Args.number("request id", requestId, 0, 0xffffffffL),
                Args.number("timeout", timeoutMs, 0, Long.MAX_VALUE)));
        return "status 0x" + Integer.toHexString(r.hwStatus()) + "  cycles " + r.totalCycles();
    }

    /**
     * Shows the device parameters of a GNA device.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("show the device parameters: device id, most layers, most memory per request")
    public List<String> info(@Descriptor("device name") String device) {
        if (!"gna".equals(devices.info(device).kind())) {
            throw Errno.ENODEV.exception(device + " is not a GNA device");
        }
        return List.of("device id 0x" + Long.toHexString(Gna.DEVICE_ID), "max layers " + Gna.MAX_LAYER_COUNT,
                "max memory " + Gna.MAX_HW_MEM);
    }

    /** Lists the GNA devices. */
    @Descriptor("list GNA devices with their state and open files")
    public List<String> devices() {
        return DeviceReports.devicesOfKind(devices, "gna");
    }

    /**
     * Shows the GNA counters of a device: maps, unmaps, requests, retries, invalidations.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("show the GNA counters of a device: maps, unmaps, requests, retries, invalidations")
    public List<String> counters(@Descriptor("device name") String device) {
        return DeviceReports.countersOfKind(devices, device, "gna", "gna.", "pin.pages", "dma.map");
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "gna", args);
    }
}
