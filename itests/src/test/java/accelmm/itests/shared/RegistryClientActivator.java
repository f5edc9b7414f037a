package accelmm.itests.shared;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import accelmm.api.idr.Idr;
import accelmm.api.idr.IdrRegistry;

/**
 * The activator of a test bundle that uses the registry service: on start it allocates an entry
 * named after its own version in {@code itest/client}.
 */
public final class RegistryClientActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        ServiceReference<IdrRegistry> ref = context.getServiceReference(IdrRegistry.class);
        IdrRegistry registry = context.getService(ref);
        try {
            Idr<String> idr = registry.idr("itest", "client", 1);
            idr.alloc("v" + context.getBundle().getVersion(), 1, 0);
        } finally {
            context.ungetService(ref);
        }
    }

    @Override
    public void stop(BundleContext context) {
    }
}
