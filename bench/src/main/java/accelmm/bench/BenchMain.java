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
 * flags for a benchmark and its peers), measures footprints and, when it was built, the native
 * page-fault program, then prints every goal as {@code ratio <name> <value> <op> <target> PASS|FAIL}.
 *
 * <p>Arguments: an optional regular expression selecting benchmarks. System property
 * {@code bench.native.fault}: the path of the compiled {@code bench/native/fault.c}. Environment:
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
                    .jvmArgs("-Xms4g", "-Xmx4g", gc.equals(PARALLEL) ? "-XX:+UseParallelGC" : "-XX:+UseG1GC");
            Collection<RunResult> results = new Runner(opts.build()).run();
            for (RunResult r : results) {
                scores.put(key(r) + "@" + gc, r.getPrimaryResult().getScore());
            }
        }
        Double linux = nativeFaultNanos();
        System.out.println();
        System.out.println("results (ns/op):");
        scores.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-60s %12.2f%n", k, v));
        if (linux != null) {
            System.out.printf(Locale.ROOT, "  %-60s %12.2f%n", "linux anonymous 4 KiB page fault (bench/native/fault.c)", linux);
        }
        System.out.println();
        int failed = 0;
        List<Object[]> lines = new ArrayList<>();
        goals(scores, linux, include, lines);
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

    /** Runs the native fault program, if built; returns ns per fault or null. */
    private static Double nativeFaultNanos() throws Exception {
        String path = System.getProperty("bench.native.fault");
        if (path == null || !new File(path).canExecute()) {
            System.out.println("bench: no native fault program (bench/run builds it with cc); skipping the Linux comparison");
            return null;
        }
        Process p = new ProcessBuilder(path).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("ns_per_fault ([0-9.]+)").matcher(out);
        if (!m.find()) {
            System.out.println("bench: the native fault program printed no result: " + out.strip());
            return null;
        }
        return Double.parseDouble(m.group(1));
    }
}
