package accelmm.api.cost;

/**
 * One event of a simulated-time trace, as Chrome's trace-event format has them: a slice of a
 * process's or a device's time, an instant, or a counter sample.
 *
 * <p>Concurrency: immutable.
 *
 * @param name what happened ({@code fault}, {@code toDevice}, {@code xe exec}, {@code memory used})
 * @param category the cost category's key, or {@code run} for instants and {@code memory} for counters
 * @param phase {@code 'X'} a slice, {@code 'i'} an instant, {@code 'C'} a counter
 * @param simNanos when it began, in simulated nanoseconds
 * @param durationNanos how long a slice lasted; 0 otherwise
 * @param pid the process it belongs to or that paid for a device's work; 0 for none
 * @param device the device it belongs to, or null for a process's or the host's event
 * @param value a counter's value; 0 otherwise
 * @param wallNanos the wall-clock time ({@link System#nanoTime()}) it was recorded at
 */
public record TraceEvent(String name, String category, char phase, long simNanos, long durationNanos, int pid, String device,
        long value, long wallNanos) {
}
