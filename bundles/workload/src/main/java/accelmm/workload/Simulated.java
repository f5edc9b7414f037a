package accelmm.workload;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import accelmm.api.cost.CostCategory;
import accelmm.api.cost.SimTime;

/**
 * The simulated time of a run, from the cost model: each of the run's processes (its clock moved
 * by the faults, transfers and accesses it paid for, waits for DMA engines included), each device
 * (the time it was busy) and the run's own: the longest process, as the processes run side by side.
 *
 * <p>Concurrency: immutable.
 *
 * @param processes each process's simulated time, by name
 * @param devices each device's busy time, by name (devices that did nothing are left out)
 */
record Simulated(Map<String, SimTime> processes, Map<String, SimTime> devices) {
    /** The clocks' moves between two snapshots, for the processes in {@code names}. */
    static Simulated between(Map<Integer, SimTime> before, Map<Integer, SimTime> after, Map<String, SimTime> devBefore,
            Map<String, SimTime> devAfter, Map<Integer, String> names) {
        Map<String, SimTime> procs = new TreeMap<>();
        after.forEach((pid, t) -> {
            String name = names.get(pid);
            if (name == null) {
                return;
            }
            SimTime d = t.minus(before.getOrDefault(pid, SimTime.zero()));
            if (d.nanos() > 0) {
                procs.put(procs.containsKey(name) ? name + "-" + pid : name, d);
            }
        });
        Map<String, SimTime> devs = new TreeMap<>();
        devAfter.forEach((n, t) -> {
            SimTime d = t.minus(devBefore.getOrDefault(n, SimTime.zero()));
            if (d.nanos() > 0) {
                devs.put(n, d);
            }
        });
        return new Simulated(procs, devs);
    }

    /** The run's simulated time: its longest process. */
    long nanos() {
        return processes.values().stream().mapToLong(SimTime::nanos).max().orElse(0);
    }

    /** Every process's time added up, by category. */
    SimTime sum() {
        EnumMap<CostCategory, Long> by = new EnumMap<>(CostCategory.class);
        long total = 0;
        for (SimTime t : processes.values()) {
            total += t.nanos();
            for (CostCategory c : CostCategory.values()) {
                by.merge(c, t.nanos(c), Long::sum);
            }
        }
        return new SimTime(total, by);
    }

    /** The text table: one row a process and a device, milliseconds by category. */
    String text() {
        String nl = System.lineSeparator();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-24s%11s", "SIMULATED ms", "TOTAL"));
        for (CostCategory c : CostCategory.values()) {
            b.append(String.format(Locale.ROOT, "%10s", c.key()));
        }
        b.append(nl);
        Map<String, SimTime> rows = new LinkedHashMap<>();
        processes.forEach(rows::put);
        devices.forEach((n, t) -> rows.put(n + " (busy)", t));
        rows.forEach((n, t) -> {
            b.append(String.format(Locale.ROOT, "%-24s%11.3f", n, t.nanos() / 1e6));
            for (CostCategory c : CostCategory.values()) {
                b.append(String.format(Locale.ROOT, "%10.3f", t.nanos(c) / 1e6));
            }
            b.append(nl);
        });
        b.append(String.format(Locale.ROOT, "simulated time of the run (its longest process): %.6f s%n", nanos() / 1e9));
        return b.toString();
    }

    /** Writes {@code "simulated": {...}} and {@code "simulatedSeconds"} into a JSON object. */
    void json(Json j) {
        j.key("simulatedSeconds").raw(seconds(nanos()));
        j.key("simulated").open('{');
        j.key("seconds").raw(seconds(nanos()));
        SimTime sum = sum();
        j.key("processSeconds").raw(seconds(sum.nanos()));
        j.key("breakdown");
        breakdown(j, sum);
        j.key("processes").open('{');
        processes.forEach((n, t) -> {
            j.key(n).open('{');
            json(j, t);
            j.close('}');
        });
        j.close('}');
        j.key("devices").open('{');
        devices.forEach((n, t) -> {
            j.key(n).open('{');
            json(j, t);
            j.close('}');
        });
        j.close('}');
        j.close('}');
    }

    /** Writes {@code "simulatedSeconds"} and {@code "breakdown"} of {@code t} into the open object. */
    static void json(Json j, SimTime t) {
        j.key("simulatedSeconds").raw(seconds(t.nanos())).key("breakdown");
        breakdown(j, t);
    }

    private static void breakdown(Json j, SimTime t) {
        j.open('{');
        for (CostCategory c : CostCategory.values()) {
            j.key(c.key()).raw(seconds(t.nanos(c)));
        }
        j.close('}');
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.9f", nanos / 1e9);
    }
}
