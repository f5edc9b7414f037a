package accelmm.driver.gna;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.Errno;
import accelmm.api.device.DeviceReports;
import accelmm.api.device.Devices;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;
import accelmm.api.uapi.gna.Gna;
import accelmm.api.uapi.gna.GnaBuffer;
import accelmm.api.uapi.gna.GnaCompute;
import accelmm.api.uapi.gna.GnaMapMemory;
import accelmm.api.uapi.gna.GnaMemoryId;
import accelmm.api.uapi.gna.GnaRequestId;
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

    private Object ioctl(int pid, int fd, Object request) {
        MmProcess p = memory.process(pid);
        return devices.ioctl(p, fd, request);
    }

    /**
     * Registers user memory of a process ({@code GNA_MAP_MEMORY}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl; {@code ESRCH}, {@code EBADF}
     */
    @Descriptor("register user memory of a process with its open GNA file; prints the memory id")
    public long map(@Descriptor("process id") int pid, @Descriptor("GNA file descriptor") int fd,
            @Descriptor("page-aligned address (0x...)") String address, @Descriptor("size in bytes") long size) {
        return ((GnaMemoryId) ioctl(pid, fd, new GnaMapMemory(Long.decode(address), size))).memoryId();
    }

    /**
     * Frees a memory object ({@code GNA_UNMAP_MEMORY}).
     *
     * @throws accelmm.api.ErrnoException as the ioctl
     */
    @Descriptor("free a memory object of the file; queued requests that use it are deleted")
    public void unmap(@Descriptor("process id") int pid, @Descriptor("GNA file descriptor") int fd,
            @Descriptor("memory id") long memoryId) {
        ioctl(pid, fd, new GnaUnmapMemory(memoryId));
    }

    /**
     * Queues a request over one whole memory object, layers from device address 0.
     *
     * @throws accelmm.api.ErrnoException as the ioctl
     */
    @Descriptor("queue a request over a whole memory object (XNN, layers from device address 0); prints the request id")
    public long score(@Descriptor("process id") int pid, @Descriptor("GNA file descriptor") int fd,
            @Descriptor("memory id") long memoryId, @Descriptor("number of layers") long layers, @Descriptor("bytes of the object") long size) {
        GnaCompute c = new GnaCompute(0, layers, List.of(new GnaBuffer(memoryId, 0, size, List.of())), Gna.MODE_XNN);
        return ((GnaRequestId) ioctl(pid, fd, c)).requestId();
    }

    /**
     * Waits for a request ({@code GNA_WAIT}).
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} on timeout; the request's errno
     */
    @Descriptor("wait for a request; prints its status bits and cycles")
    public String wait(@Descriptor("process id") int pid, @Descriptor("GNA file descriptor") int fd,
            @Descriptor("request id") long requestId, @Descriptor("timeout in ms") long timeoutMs) {
        GnaWaitReply r = (GnaWaitReply) ioctl(pid, fd, new GnaWait(requestId, timeoutMs));
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
        return DeviceReports.counters(devices, device, "gna.", "pin.pages", "dma.map");
    }
}
