package accelmm.driver.xe;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.device.DeviceReports;
import accelmm.api.device.Devices;

/**
 * Xe shell commands (scope {@code xe}).
 *
 * <p>Concurrency: each command runs on the caller's thread.
 */
@Component(service = XeCommands.class, property = {"osgi.command.scope=xe", "osgi.command.function=devices",
    "osgi.command.function=counters"})
public final class XeCommands {
    private final Devices devices;

    /** Creates the commands. */
    @Activate
    public XeCommands(@Reference Devices devices) {
        this.devices = devices;
    }

    /** Lists the Xe devices. */
    @Descriptor("list Xe devices with their state and open files")
    public List<String> devices() {
        return DeviceReports.devicesOfKind(devices, "xe");
    }

    /**
     * Shows the Xe counters of a device.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("show the Xe counters of a device: GPU faults, ranges, binds, migrations, evictions, retries")
    public List<String> counters(@Descriptor("device name") String device) {
        return DeviceReports.counters(devices, device, "xe.", "migrate.", "notifier.invalidate");
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
