package accelmm.core.device;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import accelmm.api.Errno;
import accelmm.api.device.DeviceSpec;
import accelmm.api.device.Devices;

/**
 * One factory configuration of {@code accelmm.device}: hands its device to the device manager
 * while the configuration exists.
 *
 * <p>Concurrency: DS calls it one at a time.
 */
@Component(service = {}, configurationPid = "accelmm.device", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DeviceConfig.class, factory = true)
public final class DeviceConfigComponent {
    private final DeviceManagerImpl manager;
    private final String pid;

    /** Adds the configured device. */
    @Activate
    public DeviceConfigComponent(@Reference Devices devices, DeviceConfig config, Map<String, Object> props) {
        this.manager = (DeviceManagerImpl) devices;
        this.pid = String.valueOf(props.get("service.pid"));
        manager.configure(pid, spec(config));
    }

    /** Changes the configured device. */
    @Modified
    public void modified(DeviceConfig config) {
        manager.configure(pid, spec(config));
    }

    /** Removes the configured device. */
    @Deactivate
    public void deactivate() {
        manager.unconfigure(pid);
    }

    /**
     * Reads a configuration.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a missing name or kind, or a bad size
     */
    static DeviceSpec spec(DeviceConfig c) {
        if (c.name() == null || c.name().isBlank() || c.kind() == null || c.kind().isBlank()) {
            throw Errno.EINVAL.exception("a device configuration needs a name and a kind");
        }
        long pageSizes = 0;
        for (String s : c.pageSizes().split(",")) {
            pageSizes |= size(s.trim());
        }
        Map<String, String> props = new java.util.TreeMap<>();
        for (String kv : c.properties() == null ? new String[0] : c.properties()) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw Errno.EINVAL.exception("driver setting '" + kv + "' is not key=value");
            }
            props.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return new DeviceSpec(c.name().trim(), c.kind().trim(), c.memoryMiB() << 20, pageSizes, size(c.devicePageSize().trim()),
                c.maxSegSize(), c.pciPosition() == null || c.pciPosition().isBlank() ? null : c.pciPosition().trim(),
                c.asidSlots(), props);
    }

    /** Parses {@code 4k}, {@code 2m}, {@code 1g} or a number of bytes. */
    static long size(String s) {
        String t = s.toLowerCase(java.util.Locale.ROOT);
        int shift = t.endsWith("k") ? 10 : t.endsWith("m") ? 20 : t.endsWith("g") ? 30 : 0;
        try {
            long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
            if (n <= 0 || Long.bitCount(n << shift) != 1) {
                throw Errno.EINVAL.exception("size " + s + " is not a power of two");
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw Errno.EINVAL.exception("size '" + s + "' is not 4k, 2m, 1g or a number");
        }
    }
}
