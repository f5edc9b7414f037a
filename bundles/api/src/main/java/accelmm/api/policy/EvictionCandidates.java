package accelmm.api.policy;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The blocks a device could evict now, least recently used first; the block being made room for
 * is never among them.
 *
 * <p>Concurrency: valid only during the {@link EvictionPolicy#victim} call it is given to.
 */
@ProviderType
public interface EvictionCandidates {
    /** Returns how many there are; at least one. */
    int size();

    /** Returns candidate {@code i}, in LRU order (0 is the least recently used). */
    PolicyBlock get(int i);

    /** Returns how many victims the device chose before this one (a seed for random choices). */
    long sequence();
}
