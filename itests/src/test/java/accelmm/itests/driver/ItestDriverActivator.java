package accelmm.itests.driver;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import accelmm.api.device.DeviceDriver;

/** Registers the plugin driver for kind {@code itest} and its shell commands. */
public final class ItestDriverActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        String version = context.getBundle().getVersion().toString();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(DeviceDriver.KIND, "itest");
        context.registerService(DeviceDriver.class, new ItestDriver(version), props);
        Dictionary<String, Object> cmd = new Hashtable<>();
        cmd.put("osgi.command.scope", "itest");
        cmd.put("osgi.command.function", new String[] {"hello"});
        context.registerService(Object.class, new ItestCommands(version), cmd);
    }

    @Override
    public void stop(BundleContext context) {
    }
}
