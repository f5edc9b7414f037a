package accelmm.workload;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import accelmm.api.cost.TraceEvent;
import accelmm.api.cost.TraceSink;

/**
 * A run's simulated-time trace as Chrome / Perfetto trace-event JSON ({@code {"traceEvents": [...]}}):
 * a track per process and per device (a lane per paying process), slices for the work each was charged for (faults,
 * transfers, evictions, TLB invalidations, accesses, GPU execs and kernels), instants for driver
 * swaps and policy changes, a counter of each device's memory in use. Timestamps are simulated
 * microseconds; each event carries the wall time it was recorded at as {@code args.wallMs}.
 * Events are queued by the paying threads and written to the file by the thread that drains them.
 *
 * <p>Concurrency: {@link #event} from any thread; {@link #drain} and {@link #finish} from one.
 */
final class TraceWriter implements TraceSink, AutoCloseable {
    /** The pid of the host's own track (instants of no device). */
    static final int HOST_PID = 1_000_000;
    private final ConcurrentLinkedQueue<TraceEvent> queue = new ConcurrentLinkedQueue<>();
    private final BufferedWriter out;
    private final long wallStart = System.nanoTime();
    private final Map<String, Integer> devicePids = new TreeMap<>();
    private final Map<Integer, Boolean> processes = new LinkedHashMap<>();
    private boolean first = true;
    private long written;

    /**
     * Opens {@code file} for the trace.
     *
     * @throws IOException if it cannot be written
     */
    TraceWriter(Path file) throws IOException {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    }

    @Override
    public void event(TraceEvent e) {
        queue.add(e);
    }

    /** Writes the events queued so far. */
    void drain() throws IOException {
        for (TraceEvent e; (e = queue.poll()) != null;) {
            write(json(e));
        }
    }

    private void write(String event) throws IOException {
        if (!first) {
            out.write(",\n");
        }
        first = false;
        out.write(event);
        written++;
    }

    private int pidOf(TraceEvent e) {
        if (e.device() != null) {
            return devicePids.computeIfAbsent(e.device(), d -> HOST_PID + 1 + devicePids.size());
        }
        if (e.pid() == 0) {
            return HOST_PID;
        }
        processes.putIfAbsent(e.pid(), Boolean.TRUE);
        return e.pid();
    }

    private String json(TraceEvent e) {
        Json j = new Json().open('{');
        j.key("name").value(e.name()).key("cat").value(e.category()).key("ph").value(String.valueOf(e.phase()));
        j.key("ts").raw(micros(e.simNanos()));
        if (e.phase() == 'X') {
            j.key("dur").raw(micros(e.durationNanos()));
        }
        if (e.phase() == 'i') {
            j.key("s").value(e.device() == null ? "g" : "p");
        }
        // A device's work is laid out in one lane per paying process, so that slices of processes
        // running at the same simulated time never overlap on one lane.
        j.key("pid").value(pidOf(e)).key("tid").value(e.device() != null && e.pid() != 0 ? e.pid() : 1);
        j.key("args").open('{');
        if (e.phase() == 'C') {
            j.key("bytes").value(e.value());
        }
        j.key("wallMs").raw(String.format(Locale.ROOT, "%.3f", (e.wallNanos() - wallStart) / 1e6));
        return j.close('}').close('}').toString();
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e3);
    }

    /**
     * Writes what is left, the names of the tracks ({@code names}: the run's processes by pid), and
     * closes the file; returns how many events it holds.
     */
    long finish(Map<Integer, String> names) throws IOException {
        drain();
        for (Integer pid : processes.keySet()) {
            meta(pid, names.getOrDefault(pid, "process") + " (pid " + pid + ")");
        }
        devicePids.forEach((d, pid) -> {
            try {
                meta(pid, "device " + d);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        meta(HOST_PID, "host");
        out.write("\n]}\n");
        out.close();
        return written;
    }

    private void meta(int pid, String name) throws IOException {
        Json j = new Json().open('{');
        j.key("name").value("process_name").key("ph").value("M").key("pid").value(pid).key("tid").value(1);
        j.key("args").open('{').key("name").value(name).close('}');
        write(j.close('}').toString());
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
