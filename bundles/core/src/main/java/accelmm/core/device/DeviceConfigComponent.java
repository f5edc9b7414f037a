package accelmm.core.device;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceSpec;
import accelmm.api.device.Devices;

/**
 * One factory configuration of {@code accelmm.device}: hands its device to the device manager
 * while the configuration exists. A configuration that does not parse is refused with a warning
 * that names its file, the key and the reason, and changes nothing: a device it would have
 * replaced or changed stays as it was. One whose only fault is a kind no driver has registered is
 * applied when a driver of that kind registers.
 *
 * <p>Concurrency: DS calls it one at a time.
 */
@Component(service = {}, configurationPid = "accelmm.device", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DeviceConfig.class, factory = true)
public final class DeviceConfigComponent {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceConfigComponent.class);

    private final DeviceManagerImpl manager;
    private final String pid;
    private boolean applied;

    /** Adds the configured device. */
    @Activate
    public DeviceConfigComponent(@Reference Devices devices, Map<String, Object> props) {
        this.manager = (DeviceManagerImpl) devices;
        this.pid = String.valueOf(props.get("service.pid"));
        apply(props);
    }

    /** Changes the configured device. */
    @Modified
    public void modified(Map<String, Object> props) {
        apply(props);
    }

    /** Removes the configured device. */
    @Deactivate
    public synchronized void deactivate() {
        manager.stopWaiting(pid);
        if (applied) {
            manager.unconfigure(pid);
        }
        applied = false;
    }

    private synchronized void apply(Map<String, Object> props) {
        DeviceSpec spec;
        DeviceTuning tuning;
        try {
            tuning = DeviceTuning.parse(props);
            spec = DeviceConfigParser.parse(props, manager.kinds());
        } catch (DeviceConfigParser.UnknownKind e) {
            // Right but for the kind: a driver of that kind may come later (a plugin in deploy/).
            LOG.warn("device configuration refused, nothing changed: {}", e.getMessage());
            manager.waitForKind(pid, e.kind(), () -> apply(props));
            return;
        } catch (ErrnoException e) {
            LOG.warn("device configuration refused, nothing changed: {}", e.getMessage());
            manager.stopWaiting(pid);
            return;
        }
        manager.stopWaiting(pid);
        manager.clocks().configure(spec.name(), tuning.cost());
        for (accelmm.api.policy.PolicyKind k : accelmm.api.policy.PolicyKind.values()) {
            manager.policies().configure(spec.name(), k, tuning.policies().get(k), tuning.params().getOrDefault(k, Map.of()));
        }
        manager.configure(pid, spec);
        applied = true;
    }
}
