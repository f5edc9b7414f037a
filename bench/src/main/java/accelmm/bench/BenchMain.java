package accelmm.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks under ParallelGC and again under G1 (one fork per benchmark, the same JVM
 * flags for a benchmark and its peers; the heap is touched at start, so that the operating
 * system's first-touch page faults on a growing young generation are not measured as ours), measures footprints and, when it was built, the native
 * page-fault program, then prints every goal as {@code ratio <name> <value> <op> <target> PASS|FAIL}.
 *
 * <p>Arguments: an optional regular expression selecting benchmarks. System properties
 * {@code bench.native.fault}, {@code bench.native.memcpy} and {@code bench.native.kernel}: the
 * compiled programs of {@code bench/native}. Environment:
 * {@code BENCH_QUICK=1} for short iterations (a smoke run, not a measurement).
 */
public final class BenchMain {
    private static final String PARALLEL = "parallel";
    private static final String G1 = "g1";

    private BenchMain() {
    }

    /** Runs and prints; exits 1 if any goal failed. */
    public static void main(String[] args) throws Exception {
        String include = args.length > 0 ? args[0] : "accelmm\\.bench\\..*";
        boolean quick = "1".equals(System.getenv("BENCH_QUICK"));
        Map<String, Double> scores = new TreeMap<>();
        for (String gc : List.of(PARALLEL, G1)) {
            ChainedOptionsBuilder opts = new OptionsBuilder()
                    .include(include)
                    .forks(1)
                    .warmupIterations(quick ? 1 : 3)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(quick ? 2 : 5)
                    .measurementTime(TimeValue.seconds(1))
                    .jvmArgs("-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch",
                            gc.equals(PARALLEL) ? "-XX:+UseParallelGC" : "-XX:+UseG1GC");
            Collection<RunResult> results;
            try {
                results = new Runner(opts.build()).run();
            } catch (org.openjdk.jmh.runner.NoBenchmarksException e) {
                results = List.of();
            }
            for (RunResult r : results) {
                scores.put(key(r) + "@" + gc, r.getPrimaryResult().getScore());
                if (r.getParams().getMode() == org.openjdk.jmh.annotations.Mode.SampleTime) {
                    var stats = r.getPrimaryResult().getStatistics();
                    scores.put(key(r) + ":p50@" + gc, stats.getPercentile(50));
                    scores.put(key(r) + ":p99@" + gc, stats.getPercentile(99));
                }
            }
        }
        Map<String, Double> natives = new TreeMap<>();
        runNative("bench.native.fault", natives);
        runNative("bench.native.memcpy", natives);
        runNative("bench.native.kernel", natives);
        KernelPeers kernel = KernelPeers.of(natives);
        System.out.println("bench: " + kernel.describe());
        Double linux = natives.get("ns_per_fault");
        System.out.println();
        System.out.println("results (ns/op; SwapBench in ms):");
        scores.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-60s %14.4f%n", k, v));
        natives.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-60s %12.2f%n", "native " + k, v));
        System.out.println();
        int failed = 0;
        List<Object[]> lines = new ArrayList<>();
        goals(scores, linux, include, lines);
        memoryGoals(scores, natives, kernel, lines);
        if (include.equals("accelmm\\.bench\\..*") || include.contains("Swap")) {
            BundleSwap.run(lines);
        }
        if (include.equals("accelmm\\.bench\\..*") || include.contains("Workload")) {
            WorkloadRuns.run(natives, lines);
        }
        for (Object[] l : lines) {
            Goal g = (Goal) l[0];
            double v = (Double) l[1];
            System.out.println(g.line(v));
            failed += g.met(v) ? 0 : 1;
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    /** The result key: {@code Class.method[param=value,...]}. */
    static String key(RunResult r) {
        String bench = r.getParams().getBenchmark();
        String shortName = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
        List<String> params = new ArrayList<>();
        for (String p : r.getParams().getParamsKeys()) {
            params.add(p + "=" + r.getParams().getParam(p));
        }
        java.util.Collections.sort(params);
        return shortName + (params.isEmpty() ? "" : params.toString().replace(" ", ""));
    }

    private static void ratio(List<Object[]> out, Map<String, Double> s, Goal g, String num, String den) {
        Double n = s.get(num);
        Double d = s.get(den);
        if (n != null && d != null) {
            out.add(new Object[] {g, n / d});
        }
    }

    /** Every goal whose inputs were measured in this run. */
    static void goals(Map<String, Double> s, Double linux, String include, List<Object[]> out) {
        for (String gc : List.of(PARALLEL, G1)) {
            String at = "@" + gc;
            String sfx = gc.equals(PARALLEL) ? "" : "@g1";
            ratio(out, s, new Goal("idr.find_random_vs_intobjecthashmap" + sfx, "<=", 1.5),
                    "IdrBench.findRandom[impl=idr]" + at, "IdrBench.findRandom[impl=eclipse]" + at);
            ratio(out, s, new Goal("idr.churn_1m_vs_chm" + sfx, "<=", 1.0),
                    "IdrChurnBench.churn[impl=idr,live=1048576]" + at, "IdrChurnBench.churn[impl=chm,live=1048576]" + at);
            ratio(out, s, new Goal("idr.churn_1m_vs_1k" + sfx, "<=", 2.0),
                    "IdrChurnBench.churn[impl=idr,live=1048576]" + at, "IdrChurnBench.churn[impl=idr,live=1024]" + at);
            Double fault = s.get("FaultBench.faultMetadata" + at);
            if (fault != null) {
                out.add(new Object[] {new Goal("fault.metadata_faults_per_second" + sfx, ">=", 1_000_000), 1e9 / fault});
            }
            ratio(out, s, new Goal("fault.metadata_vs_chm_put" + sfx, "<=", 3.0),
                    "FaultBench.faultMetadata" + at, "FaultBench.chmPut" + at);
            Double zeroFill = s.get("FaultBench.faultZeroFill" + at);
            if (zeroFill != null && linux != null) {
                out.add(new Object[] {new Goal("fault.zero_fill_vs_linux_fault" + sfx, "<=", 0.5), zeroFill / linux});
            }
        }
        ratio(out, s, new Goal("idr.churn_g1_vs_parallel", "<=", 1.5),
                "IdrChurnBench.churn[impl=idr,live=1048576]@g1", "IdrChurnBench.churn[impl=idr,live=1048576]@parallel");
        for (String gc : List.of(PARALLEL, G1)) {
            Double p99 = s.get("SwapBench.swap:p99@" + gc);
            if (p99 != null) {
                out.add(new Object[] {new Goal("swap.unavailable_p99_ms" + (gc.equals(PARALLEL) ? "" : "@g1"), "<=", 50), p99});
            }
        }
        ratio(out, s, new Goal("pgtable.translate_4k_g1_vs_parallel", "<=", 1.5),
                "PageTableBench.translate4k@g1", "PageTableBench.translate4k@parallel");
        ratio(out, s, new Goal("fault.metadata_g1_vs_parallel", "<=", 1.5),
                "FaultBench.faultMetadata@g1", "FaultBench.faultMetadata@parallel");
        boolean all = include.equals("accelmm\\.bench\\..*");
        if (all || include.contains("Idr")) {
            out.add(new Object[] {new Goal("idr.bytes_per_id_vs_kernel", "<=", 1.0), Footprint.idrBytesPerId(IdrBench.LIVE) / 9.1});
        }
        if (all || include.contains("Fault")) {
            out.add(new Object[] {new Goal("mm.bytes_per_page_dense_1m", "<=", 16), Footprint.bytesPerPage(1 << 20, 1)});
            out.add(new Object[] {new Goal("mm.bytes_per_page_sparse_2m_stride", "<=", 128), Footprint.bytesPerPage(512L * 65536, 512)});
        }
    }

    /** The notifier and migration goals. */
    static void memoryGoals(Map<String, Double> s, Map<String, Double> natives, KernelPeers kernel, List<Object[]> out) {
        for (String gc : List.of(PARALLEL, G1)) {
            String at = "@" + gc;
            String sfx = gc.equals(PARALLEL) ? "" : "@g1";
            String big = "NotifierBench.invalidate[n=1048576,span=";
            Double q4k = s.get(big + "4096]" + at);
            if (q4k != null) {
                out.add(new Object[] {new Goal("notifier.invalidate_4k_vs_kernel" + sfx, "<=", 2.0), q4k / kernel.invalidate4kNs()});
            }
            Double q1g = s.get(big + "1073741824]" + at);
            if (q1g != null) {
                out.add(new Object[] {new Goal("notifier.per_hit_1g_vs_kernel" + sfx, "<=", 2.0), q1g / 262144 / kernel.perHit1gNs()});
            }
            for (String span : List.of("4096", "2097152", "67108864", "1073741824")) {
                ratio(out, s, new Goal("notifier.lodborg_vs_ours_span_" + span + sfx, ">=", 3.0),
                        "NotifierBench.lodborgQuery[n=1048576,span=" + span + "]" + at, big + span + "]" + at);
            }
            Double check = s.get("ReadCheckBench.readBeginRetry" + at);
            if (check != null) {
                out.add(new Object[] {new Goal("notifier.read_begin_retry_ns" + sfx, "<=", 10.0), check});
            }
            Double churn = s.get("IdrChurnBench.churn[impl=idr,live=1048576]" + at);
            if (churn != null && !Double.isNaN(kernel.idrChurnNs())) {
                out.add(new Object[] {new Goal("idr.churn_1m_vs_kernel_idr" + sfx, "<=", 1.0), churn / kernel.idrChurnNs()});
            }
            Double t4 = s.get("PageTableBench.translate4k" + at);
            if (t4 != null) {
                out.add(new Object[] {new Goal("pgtable.translate_4k_random_vs_kernel_xa_load" + sfx, "<=", 1.0), t4 / kernel.xaLoadRandomNs()});
            }
            ratio(out, s, new Goal("pgtable.translate_2m_vs_4k" + sfx, "<=", 1.0),
                    "PageTableBench.translate2m" + at, "PageTableBench.translate4k" + at);
            ratio(out, s, new Goal("pgtable.map_unmap_vs_xa_store_erase" + sfx, "<=", 1.0),
                    "PageTableBench.mapUnmap4k" + at, "PageTableBench.xaStoreErase" + at);
            Double m2 = s.get("MigrateBench.roundTrip[shape=range2m]" + at);
            Double c2 = natives.get("memcpy_2m_roundtrip_ns");
            if (m2 != null && c2 != null) {
                out.add(new Object[] {new Goal("migrate.range_2m_vs_memcpy" + sfx, ">=", 0.7), c2 / m2});
            }
            Double m4 = s.get("MigrateBench.roundTrip[shape=pages4k]" + at);
            Double c4 = natives.get("memcpy_4k_batch_roundtrip_ns");
            if (m4 != null && c4 != null) {
                out.add(new Object[] {new Goal("migrate.pages_4k_batch_vs_memcpy" + sfx, ">=", 0.8), c4 / m4});
            }
        }
    }

    /** Runs a native peer named by a system property, if built, and collects its {@code name value} lines. */
    private static void runNative(String property, Map<String, Double> into) throws Exception {
        String path = System.getProperty(property);
        if (path == null || !new File(path).canExecute()) {
            System.out.println("bench: " + property + " is not built (bench/run builds it with cc); its comparisons are skipped");
            return;
        }
        Process p = new ProcessBuilder(path).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("(?m)^(\\w+) ([0-9.]+)$").matcher(out);
        while (m.find()) {
            into.put(m.group(1), Double.parseDouble(m.group(2)));
        }
    }
}
