package accelmm.driver.gna;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.device.DeviceReports;
import accelmm.api.device.Devices;

/**
 * GNA shell commands (scope {@code gna}).
 *
 * <p>Concurrency: each command runs on the caller's thread.
 */
@Component(service = GnaCommands.class, property = {"osgi.command.scope=gna", "osgi.command.function=devices",
    "osgi.command.function=counters"})
public final class GnaCommands {
    private final Devices devices;

    /** Creates the commands. */
    @Activate
    public GnaCommands(@Reference Devices devices) {
        this.devices = devices;
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
