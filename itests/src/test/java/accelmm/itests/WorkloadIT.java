package accelmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.itests.support.Gogo;
import accelmm.itests.support.HostOptions;

/** The built-in workloads with every shipped driver: each passes its data checks, and demo hot-swaps. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WorkloadIT extends accelmm.itests.support.HostTestBase {
    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() {
        return HostOptions.host(HostOptions.driver("gna"), HostOptions.driver("habana"), HostOptions.driver("panfrost"),
                HostOptions.driver("xe"), HostOptions.driver("gmem"));
    }

    @Test
    public void everyBuiltInWorkloadPassesItsChecksInBothContentModes() throws Exception {
        for (String wc : List.of("gna:40", "panfrost:64", "habana:25", "xe:48", "gmem:25")) {
            String[] w = wc.split(":");
            String bytes = Gogo.run(processor, "workload:run " + w[0]);
            assertTrue(bytes, bytes.contains("workload " + w[0] + " (seed 1): all " + w[1] + " data checks passed"));
            String stamps = Gogo.run(processor, "workload:run --content stamps " + w[0]);
            assertTrue(stamps, stamps.contains("workload " + w[0] + " (seed 1, stamps): all " + w[1] + " data checks passed"));
        }
        String demo = Gogo.run(processor, "workload:run --content stamps demo");
        assertTrue(demo, demo.contains("workload demo (seed 1, stamps): all 202 data checks passed"));
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void demoRunsEverythingAtOnceAndHotSwapsADriverWithoutLosingAByte() throws Exception {
        String report = Gogo.run(processor, "workload:run --seed 9 demo");
        assertTrue(report, report.contains("all 202 data checks passed"));
        assertTrue(report, report.contains("hot-swapped accelmm.driver.panfrost"));
        assertTrue(report, report.matches("(?s).*\\nfaults +(\\d+ +){6}\\d+\\n.*"));
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void theExampleWorkloadFilesRunAndABadFileNamesItsLine() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("../workloads").toAbsolutePath().normalize();
        String yaml = Gogo.run(processor, "workload:run \"" + dir.resolve("svm-and-heap.yaml") + "\"");
        assertTrue(yaml, yaml.contains("workload svm-and-heap (seed 7): all 8 data checks passed"));
        assertTrue(yaml, yaml.contains("hot-swapped accelmm.driver.panfrost"));
        String gna = Gogo.run(processor, "workload:run \"" + dir.resolve("gna-inference.yaml") + "\"");
        assertTrue(gna, gna.contains("workload gna-inference (seed 1): all 5 data checks passed"));
        String habana = Gogo.run(processor, "workload:run \"" + dir.resolve("habana-p2p.yaml") + "\"");
        assertTrue(habana, habana.contains("workload habana-p2p (seed 1): all 4 data checks passed"));
        assertTrue(habana, habana.contains("hot-swapped accelmm.driver.habana"));
        String npu = Gogo.run(processor, "workload:run \"" + dir.resolve("npu-oversubscribed.yaml") + "\"");
        assertTrue(npu, npu.contains("workload npu-oversubscribed (seed 3): all 6 data checks passed"));
        assertTrue(npu, npu.contains("hot-swapped accelmm.driver.gmem"));
        String phases = Gogo.run(processor, "workload:run \"" + dir.resolve("phases-and-barriers.yaml") + "\"");
        assertTrue(phases, phases.contains("workload phases-and-barriers (seed 1): all 9216 data checks passed"));
        java.util.regex.Matcher left = java.util.regex.Pattern.compile("\\nleft +([0-9.]+) ").matcher(phases);
        java.util.regex.Matcher right = java.util.regex.Pattern.compile("\\nright +([0-9.]+) ").matcher(phases);
        assertTrue(phases, left.find() && right.find());
        assertEquals("after the last barrier both processes are at the same simulated time", left.group(1), right.group(1));
        assertTrue(phases, phases.matches("(?s).*\\nleft +scan .*"));
        String patterns = Gogo.run(processor, "workload:run --content stamps \"" + dir.resolve("access-patterns.yaml") + "\"");
        assertTrue(patterns, patterns.contains("workload access-patterns (seed 5, stamps): all 17920 data checks passed"));
        String json = Gogo.run(processor, "workload:run --seed 3 \"" + dir.resolve("cpu-and-gpu.json") + "\"");
        assertTrue(json, json.contains("workload cpu-and-gpu (seed 3): all 3 data checks passed"));
        java.nio.file.Path bad = java.nio.file.Files.createTempFile("bad", ".yaml");
        java.nio.file.Files.writeString(bad, "name: bad\nprocesses:\n  - name: p\n    steps:\n      - mmap: {as: a}\n");
        try {
            Gogo.run(processor, "workload:run \"" + bad + "\"");
            fail("a bad file ran");
        } catch (ErrnoException e) {
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage(), e.getMessage().endsWith(".yaml:5: expected 'size' in the arguments of 'mmap': as, size"));
        }
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void stampsModeChecksEveryPageAndRefusesWhatStampsCannotShow() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("../workloads").toAbsolutePath().normalize();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("stamps", ".yaml");
        java.nio.file.Files.writeString(file, "name: stamped\ncontent: stamps\nprocesses:\n"
                + "  - name: svm\n    device: xe0\n    steps:\n      - mmap: {as: a, size: 48m}\n      - write: {to: a}\n"
                + "      - advise: {buffer: a, location: vram}\n      - gpu-read: {from: a}\n"
                + "      - gpu-write: {to: a, offset: 4k, length: 40m}\n      - fork-check: {buffer: a}\n      - read: {from: a}\n"
                + "  - name: npu\n    device: gmem0\n    steps:\n      - mmap: {as: b, size: 24m}\n      - gpu-write: {to: b}\n"
                + "      - write: {to: b, offset: 2m, length: 8k}\n      - gpu-read: {from: b}\n      - read: {from: b}\n");
        String report = Gogo.run(processor, "workload:run \"" + file + "\"");
        assertTrue(report, report.contains("workload stamped (seed 1, stamps): all 6 data checks passed"));
        String npu = Gogo.run(processor, "workload:run --content stamps \"" + dir.resolve("npu-oversubscribed.yaml") + "\"");
        assertTrue(npu, npu.contains("workload npu-oversubscribed (seed 3, stamps): all 6 data checks passed"));
        for (String f : List.of("svm-and-heap.yaml:8", "gna-inference.yaml:5", "habana-p2p.yaml:4", "cpu-and-gpu.json:3")) {
            String[] fc = f.split(":");
            String r = Gogo.run(processor, "workload:run --content stamps \"" + dir.resolve(fc[0]) + "\"");
            assertTrue(r, r.contains(", stamps): all " + fc[1] + " data checks passed"));
        }
        java.nio.file.Path part = java.nio.file.Files.createTempFile("part", ".yaml");
        java.nio.file.Files.writeString(part, "name: part\ncontent: stamps\nprocesses:\n  - name: p\n    steps:\n"
                + "      - mmap: {as: a, size: 64k}\n      - read: {from: a, offset: 100, length: 4k}\n");
        ErrnoException partial = Gogo.failure(processor, "workload:run \"" + part + "\"");
        assertEquals(Errno.EINVAL, partial.errno());
        assertTrue(partial.getMessage(), partial.getMessage().endsWith(".yaml:7: expected 'offset' and 'length' of whole pages "
                + "(multiples of 4k) in stamps mode, not 100 and 4096: a stamp stands for a whole page, so a part of one cannot be checked"));
        assertEquals(Errno.EINVAL, Gogo.failure(processor, "workload:run --content words xe").errno());
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void anUnknownWorkloadIsEinval() throws Exception {
        try {
            Gogo.run(processor, "workload:run nope");
            fail("an unknown workload ran");
        } catch (ErrnoException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
        assertTrue(Gogo.run(processor, "workload:list").contains("demo"));
    }

    /**
     * The demo's trace is trace-event JSON as Chrome and Perfetto read it: every event has a name,
     * a phase, a pid and a tid; slices, instants and counters a timestamp, slices a duration, and the
     * slices of each lane nest; every track with events is named by a process_name record.
     */
    @Test
    @SuppressWarnings("unchecked")
    public void theDemosTraceIsTraceEventJson() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("trace", ".json");
        try {
            String report = Gogo.run(processor, "workload:run --trace \"" + file + "\" demo");
            assertTrue(report, report.contains("all 202 data checks passed"));
            java.util.Map<String, Object> doc = new org.yaml.snakeyaml.Yaml().load(java.nio.file.Files.readString(file));
            List<java.util.Map<String, Object>> events = (List<java.util.Map<String, Object>>) doc.get("traceEvents");
            java.util.Set<String> names = new java.util.HashSet<>();
            java.util.Set<Object> tracks = new java.util.HashSet<>();
            java.util.Set<Object> named = new java.util.HashSet<>();
            java.util.Map<String, List<double[]>> lanes = new java.util.HashMap<>();
            for (java.util.Map<String, Object> e : events) {
                String ph = (String) e.get("ph");
                assertTrue(e.toString(), e.get("name") instanceof String && e.get("pid") instanceof Integer && e.get("tid") instanceof Integer);
                assertTrue(e.toString(), List.of("X", "i", "C", "M").contains(ph));
                if (ph.equals("M")) {
                    assertEquals("process_name", e.get("name"));
                    assertTrue(e.toString(), ((java.util.Map<String, Object>) e.get("args")).get("name") instanceof String);
                    named.add(e.get("pid"));
                    continue;
                }
                double ts = ((Number) e.get("ts")).doubleValue();
                assertTrue(e.toString(), ts >= 0);
                tracks.add(e.get("pid"));
                names.add((String) e.get("name"));
                if (ph.equals("X")) {
                    double dur = ((Number) e.get("dur")).doubleValue();
                    assertTrue(e.toString(), dur >= 0);
                    lanes.computeIfAbsent(e.get("pid") + "/" + e.get("tid"), k -> new java.util.ArrayList<>()).add(new double[] {ts, ts + dur});
                }
                if (ph.equals("C")) {
                    assertTrue(e.toString(), ((java.util.Map<String, Object>) e.get("args")).get("bytes") instanceof Number);
                }
            }
            assertTrue("every track is named", named.containsAll(tracks));
            for (String n : List.of("fault", "toDevice", "eviction", "xe exec", "gmem kernel", "memory used",
                    "hot-swap accelmm.driver.panfrost")) {
                assertTrue(n + " in " + names, names.contains(n));
            }
            lanes.forEach((lane, slices) -> {
                slices.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
                java.util.Deque<double[]> open = new java.util.ArrayDeque<>();
                for (double[] s : slices) {
                    while (!open.isEmpty() && open.peek()[1] <= s[0] + 1e-6) {
                        open.pop();
                    }
                    assertTrue(lane + ": a slice at " + s[0] + " crosses the end of its parent",
                            open.isEmpty() || s[1] <= open.peek()[1] + 1e-6);
                    open.push(s);
                }
            });
        } finally {
            java.nio.file.Files.delete(file);
        }
    }
}
