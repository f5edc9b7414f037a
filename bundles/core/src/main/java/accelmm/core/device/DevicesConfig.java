package accelmm.core.device;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the device manager (PID {@code accelmm.core.devices}).
 */
@ObjectClassDefinition(name = "accelmm devices", description = "Built-in devices and what happens when a driver goes away.")
public @interface DevicesConfig {
    /** How long calls wait for a replacement driver before the device is unplugged. */
    @AttributeDefinition(name = "Unplug grace (ms)", description = "How long calls to a device wait for a replacement driver before the device is unplugged.", min = "0")
    long unplugGraceMs() default 2000;

    /** Whether the built-in devices (one of each kind) exist. */
    @AttributeDefinition(name = "Built-in devices", description = "Create one device of each kind (gna0, panfrost0, habana0, habana1, xe0, gmem0) unless configured otherwise.")
    boolean builtinDevices() default true;
}
