package accelmm.itests.shared;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import accelmm.itests.shared.value.SharedValue;

/** The activator of a test bundle that imports {@link SharedValue}'s package. */
public final class SharedUserActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        if (!"shared".equals(SharedValue.get())) {
            throw new IllegalStateException("wrong shared value");
        }
    }

    @Override
    public void stop(BundleContext context) {
    }
}
