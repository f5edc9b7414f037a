package accelmm.driver.panfrost;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.device.DeviceReports;
import accelmm.api.device.Devices;

/**
 * Panfrost shell commands (scope {@code panfrost}).
 *
 * <p>Concurrency: each command runs on the caller's thread.
 */
@Component(service = PanfrostCommands.class, property = {"osgi.command.scope=panfrost", "osgi.command.function=devices",
    "osgi.command.function=counters"})
public final class PanfrostCommands {
    private final Devices devices;

    /** Creates the commands. */
    @Activate
    public PanfrostCommands(@Reference Devices devices) {
        this.devices = devices;
    }

    /** Lists the Panfrost devices. */
    @Descriptor("list Panfrost devices with their state and open files")
    public List<String> devices() {
        return DeviceReports.devicesOfKind(devices, "panfrost");
    }

    /**
     * Shows the Panfrost counters of a device.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("show the Panfrost counters of a device: BOs, jobs, heap faults, purges, slot steals")
    public List<String> counters(@Descriptor("device name") String device) {
        return DeviceReports.counters(devices, device, "panfrost.", "asid.steal", "tlb.flush");
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
