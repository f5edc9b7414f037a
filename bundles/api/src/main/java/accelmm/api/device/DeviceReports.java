package accelmm.api.device;

import java.util.ArrayList;
import java.util.List;

/**
 * Text lines for driver shell commands: the devices of one kind, and a device's counters with
 * given prefixes.
 *
 * <p>Concurrency: stateless.
 */
public final class DeviceReports {
    private DeviceReports() {
    }

    /** One line per device of {@code kind}: name, state, open files. */
    public static List<String> devicesOfKind(Devices devices, String kind) {
        List<String> out = new ArrayList<>();
        for (DeviceInfo d : devices.list()) {
            if (d.kind().equals(kind)) {
                out.add(d.name() + "  " + d.state() + "  files " + d.openFiles() + "  driver " + d.driverVersion());
            }
        }
        return out;
    }

    /**
     * One line per counter of {@code device} whose name starts with one of {@code prefixes}.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    public static List<String> counters(Devices devices, String device, String... prefixes) {
        List<String> out = new ArrayList<>();
        devices.stats(device).forEach((k, v) -> {
            for (String p : prefixes) {
                if (k.startsWith(p)) {
                    out.add(k + " " + v);
                    return;
                }
            }
        });
        return out;
    }
}
