package accelmm.driver.habana;

import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Args;
import accelmm.api.cli.Ioctls;
import accelmm.api.cli.Usage;
import accelmm.api.cli.DeviceReports;
import accelmm.api.device.Devices;
import accelmm.api.dma.Dma;
import accelmm.api.mm.MemoryManager;
import accelmm.api.uapi.habana.HlAddress;
import accelmm.api.uapi.habana.HlAllocMemory;
import accelmm.api.uapi.habana.HlDeviceRead;
import accelmm.api.uapi.habana.HlDeviceWrite;
import accelmm.api.uapi.habana.HlDmabufRead;
import accelmm.api.uapi.habana.HlExportDmabuf;
import accelmm.api.uapi.habana.HlFreeMemory;
import accelmm.api.uapi.habana.HlMapHost;
import accelmm.api.uapi.habana.HlMapMemory;
import accelmm.api.uapi.habana.HlUnmapMemory;

/**
 * Habana shell commands (scope {@code habana}): the devices, their counters, and the memory
 * ioctls of the habanalabs uapi on a process's open file (from {@code dev:open PID habana0}),
 * after the kernel's {@code HL_MEM_OP_*}: allocate, free, map and unmap device memory, map host
 * memory, export device memory as a dma-buf, and the device's engines reading and writing memory
 * and peer dma-bufs.
 *
 * <p>Concurrency: each command runs on the caller's thread.
 */
@Component(service = HabanaCommands.class, property = {"osgi.command.scope=habana", "osgi.command.function=devices",
    "osgi.command.function=counters", "osgi.command.function=alloc", "osgi.command.function=free",
    "osgi.command.function=map", "osgi.command.function=map_host", "osgi.command.function=unmap",
    "osgi.command.function=export_dmabuf", "osgi.command.function=write", "osgi.command.function=read",
    "osgi.command.function=dmabuf_read"})
public final class HabanaCommands {
    private final Devices devices;
    private final MemoryManager memory;

    /** Creates the commands. */
    @Activate
    public HabanaCommands(@Reference Devices devices, @Reference MemoryManager memory) {
        this.devices = devices;
        this.memory = memory;
    }

    /** Lists the Habana devices. */
    @Descriptor("list Habana devices with their state and open files")
    public List<String> devices() {
        return DeviceReports.devicesOfKind(devices, "habana");
    }

    /**
     * Shows the Habana counters of a device.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device or one of another kind
     */
    @Descriptor("show the Habana counters of a device: allocations, maps, exports, bytes imported")
    public List<String> counters(@Descriptor("device name") String device) {
        return DeviceReports.countersOfKind(devices, device, "habana", "habana.", "dmabuf.", "pin.pages");
    }

    private <R> R ioctl(String pid, String fd, accelmm.api.device.Request<R> request) {
        return Ioctls.call(devices, memory, pid, fd, request);
    }

    /**
     * Allocates device memory ({@code HL_MEM_OP_ALLOC}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM} when the device memory is full; {@code EINVAL} for a bad size
     */
    @Descriptor("allocate device memory; prints its handle")
    public String alloc(@Descriptor("physically contiguous") @Parameter(names = "--contiguous", presentValue = "true",
            absentValue = "false") boolean contiguous, @Descriptor("process id") String pid,
            @Descriptor("Habana file descriptor") String fd, @Descriptor("size (suffix k, m, g allowed)") String size) {
        return "handle " + ioctl(pid, fd, new HlAllocMemory(Args.size("size", size, 1), contiguous)).value();
    }

    /**
     * Frees device memory ({@code HL_MEM_OP_FREE}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown handle or memory still mapped
     */
    @Descriptor("free device memory by handle")
    public String free(@Descriptor("process id") String pid, @Descriptor("Habana file descriptor") String fd,
            @Descriptor("memory handle") String handle) {
        ioctl(pid, fd, new HlFreeMemory(Args.number("handle", handle, 0, Long.MAX_VALUE)));
        return "handle " + handle + " freed";
    }

    /**
     * Maps device memory into the device's virtual address space ({@code HL_MEM_OP_MAP}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown handle
     */
    @Descriptor("map device memory into the device's address space; prints the device address")
    public String map(@Descriptor("process id") String pid, @Descriptor("Habana file descriptor") String fd,
            @Descriptor("memory handle") String handle) {
        return address((HlAddress) ioctl(pid, fd, new HlMapMemory(Args.number("handle", handle, 0, Long.MAX_VALUE))));
    }

    /**
     * Pins and maps host memory of the process for the device ({@code HL_MEM_OP_MAP} with {@code HL_MEM_USERPTR}).
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} for memory that is not mapped
     */
    @Descriptor("pin host memory of the process and map it for the device; prints the device address")
    public String map_host(@Descriptor("process id") String pid, @Descriptor("Habana file descriptor") String fd,
            @Descriptor("host address") String address, @Descriptor("size (suffix allowed)") String size) {
        return address((HlAddress) ioctl(pid, fd, new HlMapHost(Args.address(address), Args.size("size", size, 1))));
    }

    /**
     * Unmaps a device address ({@code HL_MEM_OP_UNMAP}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unmapped address or memory that is exported
     */
    @Descriptor("unmap a device address (device or host memory)")
    public String unmap(@Descriptor("process id") String pid, @Descriptor("Habana file descriptor") String fd,
            @Descriptor("device address") String deviceVa) {
        ioctl(pid, fd, new HlUnmapMemory(Args.address(deviceVa)));
        return "unmapped " + deviceVa;
    }

    /**
     * Exports mapped device memory as a dma-buf ({@code HL_MEM_OP_EXPORT_DMABUF_FD}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a range that is not mapped device memory
     */
    @Descriptor("export a range of mapped device memory as a dma-buf; prints its file descriptor")
    public String export_dmabuf(@Descriptor("process id") String pid, @Descriptor("Habana file descriptor") String fd,
            @Descriptor("device address") String deviceVa, @Descriptor("size (suffix allowed)") String size) {
        Object buf = ioctl(pid, fd, new HlExportDmabuf(Args.address(deviceVa), Args.size("size", size, 1), 0, Dma.O_RDWR));
        return "dma-buf fd " + buf;
    }

    /**
     * Fills device memory with a byte value through the device's engines.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} for an address that is not mapped
     */
    @Descriptor("fill a range of device memory with a byte value, as the device's engines write it")
    public String write(@Descriptor("process id") String pid, @Descriptor("Habana file descriptor") String fd,
            @Descriptor("device address") String deviceVa, @Descriptor("length (suffix allowed, at most 1m)") String length,
            @Descriptor("byte value (0 to 255)") String value) {
        byte[] data = new byte[(int) Math.min(1 << 20, Args.size("length", length, 1))];
        java.util.Arrays.fill(data, (byte) Args.integer("value", value, 0, 255));
        ioctl(pid, fd, new HlDeviceWrite(Args.address(deviceVa), data));
        return data.length + " bytes written";
    }

    /**
     * Reads device memory through the device's engines; shows the first bytes.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} for an address that is not mapped
     */
    @Descriptor("read a range of device memory as the device's engines see it; prints the first bytes")
    public String read(@Descriptor("process id") String pid, @Descriptor("Habana file descriptor") String fd,
            @Descriptor("device address") String deviceVa, @Descriptor("length (suffix allowed, at most 1m)") String length) {
        return bytes(ioctl(pid, fd, new HlDeviceRead(Args.address(deviceVa),
                (int) Math.min(1 << 20, Args.size("length", length, 1)))));
    }

    /**
     * Reads a dma-buf (a peer's exported memory) with this device's DMA engine, peer to peer.
     *
     * @throws accelmm.api.ErrnoException {@code EBADF} for a descriptor that is not a dma-buf
     */
    @Descriptor("read a dma-buf of the process (a peer's exported memory) with this device's DMA engine; prints the first bytes")
    public String dmabuf_read(@Descriptor("process id") String pid, @Descriptor("Habana file descriptor") String fd,
            @Descriptor("dma-buf file descriptor") String dmabuf, @Descriptor("offset in the buffer") String offset,
            @Descriptor("length (suffix allowed, at most 1m)") String length) {
        return bytes(ioctl(pid, fd, new HlDmabufRead(Args.fd(dmabuf), Args.size("offset", offset, 0),
                (int) Math.min(1 << 20, Args.size("length", length, 1)))));
    }

    private static String address(HlAddress a) {
        return String.format(Locale.ROOT, "device address 0x%x", a.deviceVa());
    }

    private static String bytes(byte[] b) {
        return b.length + " bytes:" + Ioctls.hex(b);
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "habana", args);
    }
}
