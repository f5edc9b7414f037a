package accelmm.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The main job at the sizes people study, run for real: the packaged launcher runs workload files
 * (write, advise to VRAM, GPU read, GPU write, GPU read, CPU read of one buffer) under ParallelGC
 * and under G1, and the goals compare its JSON report with the same run's native peer:
 * <ul>
 * <li>{@code workload.xe_bytes_vs_memcpy}: 1 GiB through a 512 MiB {@code xe0} in bytes mode; the
 *     time a C memcpy takes to copy the bytes the steps move (5 GiB) divided by the workload's time;
 *     at least 0.25 (the whole simulated run within 4x of copying its data once);</li>
 * <li>{@code workload.gmem_bytes_vs_memcpy}: the same over 1 GiB through a 256 MiB {@code gmem0}
 *     (without the advice step);</li>
 * <li>{@code workload.xe_stamps_pages_per_s}: 4 GiB through a 2 GiB {@code xe0} in stamps mode;
 *     simulated 4 KiB page migrations per second, at least 5M;</li>
 * <li>{@code workload.stamps_heap_gib_per_16g}: the peak Java heap of 16 GiB through an 8 GiB
 *     {@code xe0} in stamps mode, in GiB; at most 2.</li>
 * </ul>
 * A run that fails or cannot start is printed and its goal reported as failed (value -1).
 *
 * <p>System property {@code bench.launcher}: the launcher jar ({@code bench/run} passes it).
 */
final class WorkloadRuns {
    private static final Pattern WALL = Pattern.compile("\"wallSeconds\":([0-9.]+)");
    private static final Pattern HEAP = Pattern.compile("\"heapPeakBytes\":(\\d+)");
    private static final Pattern MIGRATED = Pattern.compile("\"total\":\\{[^}]*\"migratedBytes\":(\\d+)");
    private static final Pattern PASSED = Pattern.compile("\"passed\":true");

    private WorkloadRuns() {
    }

    /** One run's figures from its JSON report. */
    record Figures(double wallSeconds, long heapPeakBytes, long migratedBytes) {
    }

    /** Runs the workloads under both collectors and adds their goals; prints why if it cannot run. */
    static void run(Map<String, Double> natives, List<Object[]> out) throws Exception {
        String jar = System.getProperty("bench.launcher");
        if (jar == null || !new File(jar).isFile()) {
            System.out.println("bench: bench.launcher is not set to the launcher jar (bench/run sets it); the workload goals are skipped");
            return;
        }
        Double memcpy1g = natives.get("memcpy_1g_ns");
        Path dir = Files.createTempDirectory("accelmm-bench-workloads");
        for (String gc : List.of("-XX:+UseParallelGC", "-XX:+UseG1GC")) {
            String sfx = gc.contains("G1") ? "@g1" : "";
            Figures xe = run(jar, gc, "-Xmx6g", dir, "xe-bytes", "xe", 1024, 512, 4096, "bytes", true);
            Figures gm = run(jar, gc, "-Xmx6g", dir, "gmem-bytes", "gmem", 1024, 256, 4096, "bytes", false);
            if (memcpy1g != null) {
                double copy = 5 * memcpy1g / 1e9;
                out.add(new Object[] {new Goal("workload.xe_bytes_vs_memcpy" + sfx, ">=", 0.25), xe == null ? -1 : copy / xe.wallSeconds()});
                out.add(new Object[] {new Goal("workload.gmem_bytes_vs_memcpy" + sfx, ">=", 0.25), gm == null ? -1 : copy / gm.wallSeconds()});
            } else {
                System.out.println("bench: no native memcpy; the workload-vs-memcpy goals are skipped");
            }
            Figures st = run(jar, gc, "-Xmx3g", dir, "xe-stamps", "xe", 4096, 2048, 8192, "stamps", true);
            out.add(new Object[] {new Goal("workload.xe_stamps_pages_per_s" + sfx, ">=", 5_000_000),
                    st == null ? -1 : st.migratedBytes() / 4096.0 / st.wallSeconds()});
            Figures big = run(jar, gc, "-Xmx3g", dir, "stamps-16g", "xe", 16384, 8192, 24576, "stamps", true);
            out.add(new Object[] {new Goal("workload.stamps_heap_gib_per_16g" + sfx, "<=", 2.0),
                    big == null ? -1 : big.heapPeakBytes() / (double) (1L << 30)});
        }
    }

    /**
     * Writes a workload of one {@code mib} buffer on a device of {@code deviceMib} and runs it;
     * null (after printing the output) if it did not pass.
     */
    private static Figures run(String jar, String gc, String heap, Path dir, String name, String kind, long mib, long deviceMib,
            long hostMib, String content, boolean advise) throws Exception {
        Path deploy = Files.createDirectories(dir.resolve(name + "-deploy"));
        String device = kind + "0";
        Files.writeString(deploy.resolve("accelmm.device-" + device + ".cfg"),
                "name = " + device + "\nkind = " + kind + "\nmemoryMiB = " + deviceMib + "\n");
        Files.writeString(deploy.resolve("accelmm.core.memory.cfg"), "hostMiB = " + hostMib + "\n");
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "name: " + name + "\ncontent: " + content + "\nprocesses:\n  - name: p\n    device: " + device
                + "\n    steps:\n      - mmap: {as: a, size: " + mib + "m}\n      - write: {to: a}\n"
                + (advise ? "      - advise: {buffer: a, location: vram}\n" : "")
                + "      - gpu-read: {from: a}\n      - gpu-write: {to: a}\n      - gpu-read: {from: a}\n      - read: {from: a}\n");
        Process p = new ProcessBuilder(java(), gc, heap, "-jar", jar, "run", "--deploy", deploy.toString(), "--workload",
                file.toString(), "--json", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        Matcher wall = WALL.matcher(json);
        Matcher heapPeak = HEAP.matcher(json);
        Matcher migrated = MIGRATED.matcher(json);
        if (rc != 0 || !PASSED.matcher(json).find() || !wall.find() || !heapPeak.find() || !migrated.find()) {
            System.out.println("bench: workload " + name + " (" + gc + ") did not pass (exit " + rc + "): " + json);
            return null;
        }
        Figures f = new Figures(Double.parseDouble(wall.group(1)), Long.parseLong(heapPeak.group(1)), Long.parseLong(migrated.group(1)));
        System.out.printf(java.util.Locale.ROOT, "bench: workload %s (%s): %.2f s, %d MiB migrated, heap peak %d MiB%n", name, gc,
                f.wallSeconds(), f.migratedBytes() >> 20, f.heapPeakBytes() >> 20);
        return f;
    }

    private static String java() {
        return new File(new File(System.getProperty("java.home"), "bin"), "java").getPath();
    }
}
