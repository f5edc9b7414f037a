package accelmm.api.policy;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The policies one device uses: the selected one of each kind while its service is registered,
 * else the core's default (what the kernel does: {@code lru}, {@code chunk}, {@code none}), so a
 * policy bundle being updated never leaves a device without one.
 *
 * <p>Concurrency: thread-safe and lock-free; a selection or a service change is seen by the next
 * {@link #current()}.
 */
@ProviderType
public interface DevicePolicies {
    /** Returns the policies in use now, with their parameters, as one consistent set. */
    PolicySet current();
}
