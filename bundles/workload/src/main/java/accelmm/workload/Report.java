package accelmm.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import accelmm.api.mm.NodeInfo;

/**
 * What a run did: per device and in total, the counters that moved, grouped as the report shows
 * them; peak memory per node; data checks; wall time and events per second. Renders as a text table
 * or as JSON.
 *
 * <p>Concurrency: built once, after the run.
 */
final class Report {
    /** The report's groups and which counters belong to each, by name pattern. */
    static final Map<String, String[]> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("faults", new String[] {"fault"});
        GROUPS.put("migrations", new String[] {"migrate_to_vram", "migrate_to_device", "migrate.to_ram", "migrate_to_ram", "migrate_to_host", "evict"});
        GROUPS.put("migrated bytes", new String[] {"migrate_bytes"});
        GROUPS.put("pinned pages", new String[] {"pin.pages"});
        GROUPS.put("TLB invalidations", new String[] {"tlb.flush"});
        GROUPS.put("notifier invalidations", new String[] {"notifier.invalidate"});
        GROUPS.put("retries", new String[] {".retry"});
        GROUPS.put("dma-buf exports", new String[] {"dmabuf.export"});
        GROUPS.put("ioctls", new String[] {"ioctl"});
    }

    final String workload;
    final long seed;
    final long wallNanos;
    final long passed;
    final long failed;
    final Map<String, String> failures;
    final Map<String, Map<String, Long>> perDevice = new TreeMap<>();
    final List<NodeInfo> nodes;
    final List<String> notes;

    Report(String workload, long seed, long wallNanos, Run run, Map<String, Map<String, Long>> before,
            Map<String, Map<String, Long>> after, List<NodeInfo> nodes, List<String> notes) {
        this.workload = workload;
        this.seed = seed;
        this.wallNanos = wallNanos;
        this.passed = run.passed.get();
        this.failed = run.failed.get();
        this.failures = new TreeMap<>(run.failures);
        this.nodes = nodes;
        this.notes = List.copyOf(notes);
        after.forEach((device, counters) -> {
            Map<String, Long> was = before.getOrDefault(device, Map.of());
            Map<String, Long> groups = new LinkedHashMap<>();
            for (Map.Entry<String, String[]> g : GROUPS.entrySet()) {
                long sum = 0;
                for (Map.Entry<String, Long> c : counters.entrySet()) {
                    for (String pattern : g.getValue()) {
                        if (c.getKey().contains(pattern)) {
                            sum += c.getValue() - was.getOrDefault(c.getKey(), 0L);
                            break;
                        }
                    }
                }
                groups.put(g.getKey(), sum);
            }
            if (groups.values().stream().anyMatch(v -> v != 0)) {
                perDevice.put(device, groups);
            }
        });
    }

    Map<String, Long> totals() {
        Map<String, Long> t = new LinkedHashMap<>();
        for (String g : GROUPS.keySet()) {
            t.put(g, perDevice.values().stream().mapToLong(m -> m.get(g)).sum());
        }
        return t;
    }

    double perSecond(long events) {
        return wallNanos == 0 ? 0 : events * 1e9 / wallNanos;
    }

    /** The text report. */
    String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "workload %s (seed %d): %s in %.2f s%n", workload, seed,
                failed == 0 ? "all " + passed + " data checks passed" : failed + " of " + (passed + failed) + " data checks FAILED",
                wallNanos / 1e9));
        for (String n : notes) {
            b.append("  ").append(n).append(System.lineSeparator());
        }
        List<String> cols = new ArrayList<>(perDevice.keySet());
        cols.add("total");
        b.append(System.lineSeparator()).append(String.format(Locale.ROOT, "%-24s", "COUNTER"));
        for (String c : cols) {
            b.append(String.format(Locale.ROOT, "%14s", c.toUpperCase(Locale.ROOT)));
        }
        b.append(System.lineSeparator());
        Map<String, Long> totals = totals();
        for (String g : GROUPS.keySet()) {
            b.append(String.format(Locale.ROOT, "%-24s", g));
            for (String c : perDevice.keySet()) {
                b.append(String.format(Locale.ROOT, "%14d", perDevice.get(c).get(g)));
            }
            b.append(String.format(Locale.ROOT, "%14d", totals.get(g))).append(System.lineSeparator());
        }
        b.append(System.lineSeparator()).append(String.format(Locale.ROOT, "%-24s%14s%14s%n", "MEMORY NODE", "SIZE MiB", "PEAK MiB"));
        for (NodeInfo n : nodes) {
            b.append(String.format(Locale.ROOT, "%-24s%14d%14.1f%n", n.name(), n.size() >> 20, n.peak() / 1048576.0));
        }
        b.append(System.lineSeparator()).append(String.format(Locale.ROOT,
                "per second: %.0f faults, %.0f migrations, %.0f invalidations%n",
                perSecond(totals.get("faults")), perSecond(totals.get("migrations")), perSecond(totals.get("notifier invalidations"))));
        failures.forEach((w, what) -> b.append("FAILED ").append(w).append(": ").append(what).append(System.lineSeparator()));
        return b.toString();
    }

    /** The JSON report. */
    String json() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"workload\":").append(quote(workload)).append(",\"seed\":").append(seed)
                .append(",\"wallSeconds\":").append(String.format(Locale.ROOT, "%.3f", wallNanos / 1e9))
                .append(",\"checks\":{\"passed\":").append(passed).append(",\"failed\":").append(failed).append("}");
        b.append(",\"devices\":{");
        String sep = "";
        for (Map.Entry<String, Map<String, Long>> d : perDevice.entrySet()) {
            b.append(sep).append(quote(d.getKey())).append(':').append(object(d.getValue()));
            sep = ",";
        }
        b.append("},\"total\":").append(object(totals()));
        b.append(",\"nodes\":[");
        sep = "";
        for (NodeInfo n : nodes) {
            b.append(sep).append("{\"name\":").append(quote(n.name())).append(",\"size\":").append(n.size())
                    .append(",\"peak\":").append(n.peak()).append('}');
            sep = ",";
        }
        b.append("],\"perSecond\":{\"faults\":").append(String.format(Locale.ROOT, "%.1f", perSecond(totals().get("faults"))))
                .append(",\"migrations\":").append(String.format(Locale.ROOT, "%.1f", perSecond(totals().get("migrations"))))
                .append(",\"invalidations\":").append(String.format(Locale.ROOT, "%.1f", perSecond(totals().get("notifier invalidations"))))
                .append("},\"notes\":[");
        sep = "";
        for (String n : notes) {
            b.append(sep).append(quote(n));
            sep = ",";
        }
        b.append("],\"failures\":").append(objectOfStrings(failures)).append("}");
        return b.toString();
    }

    private static String object(Map<String, Long> m) {
        StringBuilder b = new StringBuilder("{");
        String sep = "";
        for (Map.Entry<String, Long> e : m.entrySet()) {
            b.append(sep).append(quote(e.getKey())).append(':').append(e.getValue());
            sep = ",";
        }
        return b.append('}').toString();
    }

    private static String objectOfStrings(Map<String, String> m) {
        StringBuilder b = new StringBuilder("{");
        String sep = "";
        for (Map.Entry<String, String> e : m.entrySet()) {
            b.append(sep).append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            sep = ",";
        }
        return b.append('}').toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
