package accelmm.api.cost;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The host's simulated clocks, for reports: one per process that was charged and one per device.
 *
 * <p>Concurrency: thread-safe; each answer is a snapshot.
 */
@ProviderType
public interface SimClocks {
    /** Returns the simulated time of every process that was charged, by pid. */
    Map<Integer, SimTime> processes();

    /** Returns the busy time of every device that was charged, by name. */
    Map<String, SimTime> devices();
}
