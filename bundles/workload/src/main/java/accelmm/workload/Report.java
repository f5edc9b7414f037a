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
 * them; peak memory per node; data checks, failed steps, injected failures and unplugs, each
 * counted apart; wall time and events per second. Renders as a text table or as JSON.
 *
 * <p>Concurrency: built once, after the run.
 */
final class Report {
    /** The version of the JSON report's layout. */
    static final int JSON_VERSION = 3;

    /** The policies a device has when none was chosen. */
    static final Map<String, String> DEFAULT_POLICIES = Map.of("eviction", "lru", "prefetch", "chunk", "thrashing", "none");

    /** The report's groups and which counters belong to each, by name pattern. */
    static final Map<String, String[]> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("faults", new String[] {"fault"});
        GROUPS.put("migrations", new String[] {"migrate_to_vram", "migrate_to_device", "migrate.to_ram", "migrate_to_ram", "migrate_to_host", "evict"});
        GROUPS.put("migrated bytes", new String[] {"migrate_bytes"});
        GROUPS.put("pinned pages", new String[] {"pin.pages"});
        GROUPS.put("reclaimed pages", new String[] {"shrink.pages"});
        GROUPS.put("TLB invalidations", new String[] {"tlb.flush"});
        GROUPS.put("notifier invalidations", new String[] {"notifier.invalidate"});
        GROUPS.put("retries", new String[] {".retry"});
        GROUPS.put("dma-buf exports", new String[] {"dmabuf.export"});
        GROUPS.put("bytes to device", new String[] {"bytes_to_device"});
        GROUPS.put("bytes to host", new String[] {"bytes_to_host"});
        GROUPS.put("policy victims", new String[] {"policy.victims"});
        GROUPS.put("prefetched pages", new String[] {"policy.prefetch_pages"});
        GROUPS.put("prefetch used pages", new String[] {"policy.prefetch_used"});
        GROUPS.put("prefetch wasted pages", new String[] {"policy.prefetch_wasted"});
        GROUPS.put("thrashing events", new String[] {"policy.thrashing"});
        GROUPS.put("throttles", new String[] {"policy.throttle"});
        GROUPS.put("pins", new String[] {"policy.pin"});
        GROUPS.put("remote maps", new String[] {"policy.map_remote"});
        GROUPS.put("ioctls", new String[] {"ioctl"});
    }

    /** The configuration that ran, as the JSON report records it. */
    record Config(String workload, String file, long seed, String swapDriver, int swapAfterPercent, List<String> devices,
            Content content, Map<String, Map<String, String>> policies) {
    }

    final Config config;
    final long wallNanos;
    final long passed;
    final long failed;
    final long injected;
    final long unplugs;
    final Map<String, String> failures;
    final List<StepError> errors;
    final Map<String, Map<String, Long>> perDevice = new TreeMap<>();
    final List<NodeInfo> nodes;
    final List<String> notes;
    final long heapPeakBytes;
    final Simulated simulated;
    final List<Run.PhaseFigures> phases;

    Report(Config config, long wallNanos, Run run, Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after,
            long injected, long unplugs, List<NodeInfo> nodes, List<String> notes, long heapPeakBytes, Simulated simulated) {
        this.config = config;
        this.simulated = simulated;
        this.phases = List.copyOf(run.phases);
        this.heapPeakBytes = heapPeakBytes;
        this.wallNanos = wallNanos;
        this.passed = run.passed.get();
        this.failed = run.failed.get();
        this.injected = injected;
        this.unplugs = unplugs;
        this.failures = new TreeMap<>(run.failures);
        this.errors = List.copyOf(run.errors);
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

    /** Whether every data check passed and no step failed. */
    boolean passed() {
        return failed == 0 && errors.isEmpty();
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

    /** The first line: the verdict. */
    String headline() {
        String checks = failed == 0 ? "all " + passed + " data checks passed" : failed + " of " + (passed + failed) + " data checks FAILED";
        String steps = errors.isEmpty() ? "" : ", " + errors.size() + " step" + (errors.size() == 1 ? "" : "s") + " FAILED";
        return String.format(Locale.ROOT, "workload %s (seed %d%s): %s%s in %.2f s", config.workload(), config.seed(),
                config.content() == Content.STAMPS ? ", stamps" : "", checks, steps,
                wallNanos / 1e9);
    }

    /** The text report: only the counters that moved, the memory nodes, the rates and what failed. */
    String text() {
        String nl = System.lineSeparator();
        StringBuilder b = new StringBuilder(headline()).append(nl);
        for (String n : notes) {
            b.append("  ").append(n).append(nl);
        }
        if (injected > 0 || unplugs > 0) {
            b.append(String.format(Locale.ROOT, "  %d injected failure%s, %d unplug%s (not data checks)%n", injected,
                    injected == 1 ? "" : "s", unplugs, unplugs == 1 ? "" : "s"));
        }
        Map<String, Long> totals = totals();
        List<String> cols = new ArrayList<>(perDevice.keySet());
        cols.add("total");
        b.append(nl).append(String.format(Locale.ROOT, "%-24s", "COUNTER"));
        for (String c : cols) {
            b.append(String.format(Locale.ROOT, "%14s", c.toUpperCase(Locale.ROOT)));
        }
        b.append(nl);
        boolean any = false;
        for (String g : GROUPS.keySet()) {
            if (totals.get(g) == 0) {
                continue;
            }
            any = true;
            b.append(String.format(Locale.ROOT, "%-24s", g));
            for (String c : perDevice.keySet()) {
                b.append(String.format(Locale.ROOT, "%14d", perDevice.get(c).get(g)));
            }
            b.append(String.format(Locale.ROOT, "%14d", totals.get(g))).append(nl);
        }
        if (!any) {
            b.append("(no counter moved)").append(nl);
        }
        if (!simulated.processes().isEmpty()) {
            b.append(nl).append(simulated.text());
        }
        if (!phases.isEmpty()) {
            b.append(nl).append(String.format(Locale.ROOT, "%-24s%-16s%10s%14s%10s%10s%10s%10s%n", "PROCESS", "PHASE", "WALL ms",
                    "SIMULATED ms", "fault", "toDevice", "toHost", "eviction"));
            for (Run.PhaseFigures f : phases) {
                accelmm.api.cost.SimTime t = f.simulated();
                b.append(String.format(Locale.ROOT, "%-24s%-16s%10.1f%14.3f%10.3f%10.3f%10.3f%10.3f%n", f.process(), f.phase(),
                        f.wallNanos() / 1e6, t.nanos() / 1e6, t.nanos(accelmm.api.cost.CostCategory.FAULT) / 1e6,
                        t.nanos(accelmm.api.cost.CostCategory.TO_DEVICE) / 1e6, t.nanos(accelmm.api.cost.CostCategory.TO_HOST) / 1e6,
                        t.nanos(accelmm.api.cost.CostCategory.EVICTION) / 1e6));
            }
        }
        List<String> tuned = new ArrayList<>();
        config.policies().forEach((d, kinds) -> {
            if (!kinds.equals(DEFAULT_POLICIES)) {
                tuned.add(d + " " + String.join(" ", kinds.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
        });
        if (!tuned.isEmpty()) {
            b.append("policies: ").append(String.join("; ", tuned)).append(" (the other devices: the defaults)").append(nl);
        }
        b.append(nl).append(String.format(Locale.ROOT, "%-24s%14s%14s%n", "MEMORY NODE", "SIZE MiB", "PEAK MiB"));
        for (NodeInfo n : nodes) {
            b.append(String.format(Locale.ROOT, "%-24s%14d%14.1f%n", n.name(), n.size() >> 20, n.peak() / 1048576.0));
        }
        b.append(String.format(Locale.ROOT, "%-24s%14s%14.1f%n", "(Java heap)", "", heapPeakBytes / 1048576.0));
        b.append(nl).append(String.format(Locale.ROOT,
                "per second of the workload's %.2f s (the host's start-up excluded): %.0f faults, %.0f migrations, %.0f invalidations, %.1f MiB migrated%n",
                wallNanos / 1e9, perSecond(totals.get("faults")), perSecond(totals.get("migrations")),
                perSecond(totals.get("notifier invalidations")), perSecond(totals.get("migrated bytes")) / 1048576.0));
        failures.forEach((w, what) -> b.append("FAILED ").append(w).append(": data check ").append(what).append(nl));
        for (StepError e : errors) {
            b.append("FAILED ").append(e.workload()).append(": ").append(e.text()).append(nl);
        }
        return b.toString();
    }

    /** The JSON report: camelCase keys throughout, its layout {@link #JSON_VERSION}, the configuration that ran. */
    String json() {
        Json j = new Json();
        j.open('{');
        j.key("version").value(JSON_VERSION);
        j.key("workload").value(config.workload());
        j.key("seed").value(config.seed());
        j.key("configuration").open('{');
        j.key("workload").value(config.workload());
        j.key("file").value(config.file());
        j.key("seed").value(config.seed());
        j.key("content").value(config.content().toString());
        j.key("swap");
        if (config.swapDriver() == null) {
            j.nul();
        } else {
            j.open('{').key("driver").value(config.swapDriver()).key("afterPercent").value(config.swapAfterPercent()).close('}');
        }
        j.key("devices").open('[');
        config.devices().forEach(j::value);
        j.close(']');
        j.key("policies").open('{');
        config.policies().forEach((d, kinds) -> {
            j.key(d).open('{');
            kinds.forEach((k, v) -> j.key(k).value(v));
            j.close('}');
        });
        j.close('}').close('}');
        j.key("passed").value(passed());
        j.key("wallSeconds").raw(String.format(Locale.ROOT, "%.3f", wallNanos / 1e9));
        j.key("heapPeakBytes").value(heapPeakBytes);
        simulated.json(j);
        j.key("checks").open('{').key("passed").value(passed).key("failed").value(failed).close('}');
        j.key("failedSteps").value(errors.size());
        j.key("injectedFailures").value(injected);
        j.key("unplugs").value(unplugs);
        j.key("devices").open('{');
        perDevice.forEach((d, groups) -> {
            j.key(d);
            counters(j, groups);
        });
        j.close('}');
        j.key("total");
        counters(j, totals());
        j.key("nodes").open('[');
        for (NodeInfo n : nodes) {
            j.open('{').key("name").value(n.name()).key("sizeBytes").value(n.size()).key("peakBytes").value(n.peak()).close('}');
        }
        j.close(']');
        Map<String, Long> t = totals();
        j.key("perSecond").open('{')
                .key("faults").raw(String.format(Locale.ROOT, "%.1f", perSecond(t.get("faults"))))
                .key("migrations").raw(String.format(Locale.ROOT, "%.1f", perSecond(t.get("migrations"))))
                .key("invalidations").raw(String.format(Locale.ROOT, "%.1f", perSecond(t.get("notifier invalidations"))))
                .key("migratedBytes").raw(String.format(Locale.ROOT, "%.1f", perSecond(t.get("migrated bytes"))))
                .close('}');
        j.key("phases").open('[');
        for (Run.PhaseFigures f : phases) {
            j.open('{').key("process").value(f.process()).key("phase").value(f.phase())
                    .key("wallSeconds").raw(String.format(Locale.ROOT, "%.6f", f.wallNanos() / 1e9));
            Simulated.json(j, f.simulated());
            j.close('}');
        }
        j.close(']');
        j.key("notes").open('[');
        notes.forEach(j::value);
        j.close(']');
        j.key("failedChecks").open('[');
        failures.forEach((w, what) -> j.open('{').key("workload").value(w).key("check").value(what).close('}'));
        j.close(']');
        j.key("errors").open('[');
        for (StepError e : errors) {
            j.open('{').key("workload").value(e.workload()).key("location").value(e.location()).key("step").value(e.step())
                    .key("errno").value(e.errno()).key("message").value(e.message()).close('}');
        }
        j.close(']');
        j.close('}');
        return j.toString();
    }

    private static void counters(Json j, Map<String, Long> groups) {
        j.open('{');
        groups.forEach((g, v) -> j.key(camel(g)).value(v));
        j.close('}');
    }

    /** {@code "migrated bytes"} to {@code migratedBytes}, {@code "TLB invalidations"} to {@code tlbInvalidations}. */
    static String camel(String words) {
        StringBuilder b = new StringBuilder();
        for (String w : words.split("[ -]+")) {
            if (b.length() == 0) {
                b.append(w.toLowerCase(Locale.ROOT));
            } else if (!w.isEmpty()) {
                b.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return b.toString();
    }
}
