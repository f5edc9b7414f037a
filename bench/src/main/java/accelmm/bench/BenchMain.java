package accelmm.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import accelmm.core.diag.Warnings;
import accelmm.core.idr.IdrImpl;

/**
 * Runs the benchmarks under ParallelGC and again under G1 (one fork per benchmark, the same JVM
 * flags for a benchmark and its peers), then prints every goal as
 * {@code ratio <name> <value> <op> <target> PASS|FAIL}.
 *
 * <p>Arguments: an optional regular expression selecting benchmarks. Environment:
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
        System.out.println();
        System.out.println("results (ns/op):");
        scores.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-60s %12.2f%n", k, v));
        System.out.println();
        int failed = 0;
        for (Map.Entry<Goal, double[]> e : evaluate(scores).entrySet()) {
            double ratio = e.getValue()[0];
            System.out.println(e.getKey().line(ratio));
            failed += e.getKey().met(ratio) ? 0 : 1;
        }
        if (include.equals("accelmm\\.bench\\..*") || include.contains("Idr")) {
            footprint();
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

    /** The goals, evaluated where both sides were measured in this run. */
    static Map<Goal, double[]> evaluate(Map<String, Double> s) {
        List<Goal> goals = new ArrayList<>();
        for (String gc : List.of(PARALLEL, G1)) {
            String at = "@" + gc;
            String sfx = gc.equals(PARALLEL) ? "" : "@g1";
            goals.add(new Goal("idr.find_random_vs_intobjecthashmap" + sfx,
                    "IdrBench.findRandom[impl=idr]" + at, "IdrBench.findRandom[impl=eclipse]" + at, "<=", 1.5));
            goals.add(new Goal("idr.churn_1m_vs_chm" + sfx,
                    "IdrChurnBench.churn[impl=idr,live=1048576]" + at,
                    "IdrChurnBench.churn[impl=chm,live=1048576]" + at, "<=", 1.0));
            goals.add(new Goal("idr.churn_1m_vs_1k" + sfx,
                    "IdrChurnBench.churn[impl=idr,live=1048576]" + at,
                    "IdrChurnBench.churn[impl=idr,live=1024]" + at, "<=", 2.0));
        }
        goals.add(new Goal("idr.churn_g1_vs_parallel",
                "IdrChurnBench.churn[impl=idr,live=1048576]@g1",
                "IdrChurnBench.churn[impl=idr,live=1048576]@parallel", "<=", 1.5));
        Map<Goal, double[]> out = new LinkedHashMap<>();
        for (Goal g : goals) {
            Double num = s.get(g.numerator());
            Double den = s.get(g.denominator());
            if (num != null && den != null) {
                out.put(g, new double[] {num / den});
            }
        }
        return out;
    }

    /** Prints the IDR's node bytes per id at one million live ids, next to the kernel's 9.1. */
    private static void footprint() {
        IdrImpl<Object> idr = new IdrImpl<>(0, null, new Warnings());
        for (int i = 0; i < IdrBench.LIVE; i++) {
            idr.alloc(IdrBench.VALUE, 0, 0);
        }
        double perId = (double) idr.footprintBytes() / idr.count();
        System.out.println(new Goal("idr.bytes_per_id_vs_kernel", "", "", "<=", 1.0).line(perId / 9.1));
        System.out.printf(Locale.ROOT, "info idr.bytes_per_id %.2f (kernel idr: 9.1)%n", perId);
    }
}
