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

    /**
     * Starts a run: the processes charged from now on start together at the host's simulated now
     * (the latest time any device reached), so they overlap as they would on one machine, and none
     * waits for DMA engines an earlier run kept busy.
     */
    void startRun();

    /**
     * Makes process {@code pid} wait, as {@link CostCategory#WAIT}, until its simulated time is
     * {@code nanos} (a barrier: the processes go on together from the latest of them).
     */
    void waitUntil(int pid, long nanos);

    /** Sends every charge from now on to {@code sink} as trace events; null stops. */
    void trace(TraceSink sink);

    /** Records an instant event of the host (a driver swap, a policy change) at the host's simulated now. */
    void instant(String name, String device);
}
