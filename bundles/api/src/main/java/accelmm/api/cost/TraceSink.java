package accelmm.api.cost;

/**
 * Receives the events of a simulated-time trace ({@link SimClocks#trace}).
 *
 * <p>Context: called from the threads that pay for the work, possibly under the device lock: it must
 * not block (queue the event, write it later).
 */
@FunctionalInterface
public interface TraceSink {
    /** Takes one event. */
    void event(TraceEvent event);
}
