package accelmm.itests.support;

import java.io.FileInputStream;
import java.io.InputStream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import accelmm.api.device.DeviceState;
import accelmm.api.device.Devices;

/** The shipped driver bundles inside a test framework: find one, update it and wait for its devices. */
public final class DriverBundles {
    private DriverBundles() {
    }

    /** Returns the installed bundle {@code accelmm.driver.NAME}. */
    public static Bundle find(BundleContext context, String name) {
        for (Bundle b : context.getBundles()) {
            if (("accelmm.driver." + name).equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("the " + name + " driver is not installed");
    }

    /** Updates driver {@code name} from its shipped jar and waits until {@code devices} are bound again. */
    public static void updateAndAwait(BundleContext context, Devices service, String name, String... devices)
            throws Exception {
        try (InputStream in = new FileInputStream(HostOptions.driverJar(name))) {
            find(context, name).update(in);
        }
        for (String d : devices) {
            Await.until(d + " bound again", 20_000, () -> service.info(d).state() == DeviceState.BOUND);
        }
    }
}
