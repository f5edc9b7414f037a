package accelmm.api.cli;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.device.DeviceInfo;
import accelmm.api.device.Devices;

/**
 * Text lines for the drivers' shell commands (each driver scope's {@code devices} and
 * {@code counters}): the devices of one kind, and a device's counters with
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
        return countersOfKind(devices, device, null, prefixes);
    }

    /**
     * The counters of a device of {@code kind} (any kind for null) with any of the prefixes, one {@code name value} line each.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device, or one of another kind
     */
    public static List<String> countersOfKind(Devices devices, String device, String kind, String... prefixes) {
        if (kind != null) {
            String actual = devices.info(device).kind();
            if (!kind.equals(actual)) {
                throw accelmm.api.Errno.ENODEV.exception(device + " is a device of kind " + actual + ", not " + kind + "; "
                        + kind + ":devices lists the " + kind + " devices");
            }
        }
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
