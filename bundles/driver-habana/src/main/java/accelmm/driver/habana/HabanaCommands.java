package accelmm.driver.habana;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.device.DeviceReports;
import accelmm.api.device.Devices;

/**
 * Habana shell commands (scope {@code habana}).
 *
 * <p>Concurrency: each command runs on the caller's thread.
 */
@Component(service = HabanaCommands.class, property = {"osgi.command.scope=habana", "osgi.command.function=devices",
    "osgi.command.function=counters"})
public final class HabanaCommands {
    private final Devices devices;

    /** Creates the commands. */
    @Activate
    public HabanaCommands(@Reference Devices devices) {
        this.devices = devices;
    }

    /** Lists the Habana devices. */
    @Descriptor("list Habana devices with their state and open files")
    public List<String> devices() {
        return DeviceReports.devicesOfKind(devices, "habana");
    }

    /**
     * Shows the Habana counters of a device.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("show the Habana counters of a device: allocations, maps, exports, bytes imported")
    public List<String> counters(@Descriptor("device name") String device) {
        return DeviceReports.counters(devices, device, "habana.", "dmabuf.", "pin.pages");
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
