package accelmm.api.policy;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The values of a policy's parameters on one device, in the order of {@link Policy#params()},
 * checked against their ranges when they were configured.
 *
 * <p>Concurrency: immutable; a new selection makes a new one.
 */
@ProviderType
public interface PolicyParams {
    /** Returns the value of parameter {@code index} of {@link Policy#params()}. */
    long get(int index);
}
