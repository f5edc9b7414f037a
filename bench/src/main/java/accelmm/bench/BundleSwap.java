package accelmm.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The call latency seen while a driver bundle is updated for real: the packaged launcher runs
 * {@code torture:swaplatency} for every driver (four threads call the driver's device while its
 * bundle is updated and refreshed twenty times, in the Felix framework exactly as users get it),
 * under ParallelGC and under G1. Goals: p99 at most 50 ms and the worst call at most 250 ms.
 *
 * <p>System property {@code bench.launcher}: the launcher jar ({@code bench/run} passes it).
 */
final class BundleSwap {
    static final List<String> DRIVERS = List.of("gna", "habana", "panfrost", "xe", "gmem");
    private static final Pattern LINE = Pattern.compile(
            "(?m)^swap-latency (\\w+): .* p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms$");

    private BundleSwap() {
    }

    /** Runs the measurement under both collectors and adds its goals; prints why if it cannot run. */
    static void run(List<Object[]> out) throws Exception {
        String jar = System.getProperty("bench.launcher");
        if (jar == null || !new File(jar).isFile()) {
            System.out.println("bench: bench.launcher is not set to the launcher jar (bench/run sets it); the bundle-update goals are skipped");
            return;
        }
        StringBuilder script = new StringBuilder();
        for (String d : DRIVERS) {
            script.append(script.length() == 0 ? "" : "; ").append("torture:swaplatency ").append(d);
        }
        for (String gc : List.of("-XX:+UseParallelGC", "-XX:+UseG1GC")) {
            String sfx = gc.contains("G1") ? "@g1" : "";
            Process p = new ProcessBuilder(java(), gc, "-jar", jar, "exec", script.toString()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            System.out.print(text);
            if (rc != 0) {
                System.out.println("bench: the bundle-update measurement failed (exit " + rc + ")");
            }
            Matcher m = LINE.matcher(text);
            while (m.find()) {
                out.add(new Object[] {new Goal("swap.bundle_update_p99_ms." + m.group(1) + sfx, "<=", 50), Double.parseDouble(m.group(3))});
                out.add(new Object[] {new Goal("swap.bundle_update_max_ms." + m.group(1) + sfx, "<=", 250), Double.parseDouble(m.group(4))});
            }
        }
    }

    private static String java() {
        return new File(new File(System.getProperty("java.home"), "bin"), "java").getPath();
    }
}
