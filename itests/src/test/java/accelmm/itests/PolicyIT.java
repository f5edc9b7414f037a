package accelmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.policy.Policies;
import accelmm.api.policy.PolicyInfo;
import accelmm.api.policy.PolicyKind;
import accelmm.itests.support.Gogo;
import accelmm.itests.support.HostOptions;

/**
 * Memory policies in the host: the policy bundles' services, selection from the shell, the
 * workload file and the command line, what a prefetch policy does to far faults and simulated
 * time, and a policy bundle updated mid-run.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicyIT extends accelmm.itests.support.HostTestBase {
    @Inject
    private CommandProcessor processor;

    @Inject
    private Policies policies;

    @Inject
    private org.osgi.service.cm.ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return HostOptions.host(HostOptions.driver("xe"), HostOptions.driver("gmem"));
    }

    private static final Path FILE = Path.of("../workloads/prefetch-oversubscribed.yaml").toAbsolutePath().normalize();

    @Before
    public void defaults() {
        policies.select("xe0", PolicyKind.EVICTION, "lru", Map.of());
        policies.select("xe0", PolicyKind.PREFETCH, "chunk", Map.of());
        policies.select("xe0", PolicyKind.THRASHING, "none", Map.of());
    }

    private static long match(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        assertTrue(regex + " in " + json, m.find());
        return Math.round(Double.parseDouble(m.group(1)) * (regex.contains("Seconds") ? 1e9 : 1));
    }

    private String runJson(String options) throws Exception {
        Path json = Files.createTempFile("policy", ".json");
        String report = Gogo.run(processor, "workload:run " + options + " --json \"" + json + "\" \"" + FILE + "\"");
        assertTrue(report, report.contains("workload prefetch-oversubscribed (seed 1): all 8 data checks passed"));
        String text = Files.readString(json);
        Files.delete(json);
        return text;
    }

    /**
     * 64 MiB scanned by the GPU through xe0's 32 MiB with the PCIe 4.0 x16 model (20 us a fault;
     * a transfer 1 us + bytes / 31.5 GB/s, rounded up to the ns; 1 us a TLB invalidation; 3.2 TB/s
     * of VRAM). No prefetch: 16384 faults of 4 KiB: 16384 x 20 us = 327.68 ms, 16384 copies in of
     * 1131 ns = 18.530304 ms, the first 32 MiB evicted as 8192 copies out = 9.265152 ms, 8192 + 1
     * TLB invalidations (one a victim, one as the VM goes) = 8.193 ms, and 8 reads of 8 MiB at
     * 2622 ns = 0.020976 ms: 363.689432 ms. UVM's tree: 6 faults a 2 MiB granule (64K, 64K, 128K,
     * 256K, 512K, 1M: 72581 ns of copies), 192 faults = 3.84 ms, copies in 32 x 72581 ns =
     * 2.322592 ms, out 16 x 72581 ns = 1.161296 ms, 96 + 1 invalidations, the same reads:
     * 7.441864 ms; 85.3 times fewer faults, 48.9 times less time.
     */
    @Test
    public void uvmTreeCutsFarFaultsAndSimulatedTimeByTheFactorWorkedOutByHand() throws Exception {
        String none = runJson("--policy xe0:prefetch=none");
        String tree = runJson("");
        assertEquals(16384, match(none, "\"xe0\":\\{\"faults\":(\\d+)"));
        assertEquals(192, match(tree, "\"xe0\":\\{\"faults\":(\\d+)"));
        assertEquals(363_689_432L, match(none, "\"simulatedSeconds\":([0-9.]+)"));
        assertEquals(7_441_864L, match(tree, "\"simulatedSeconds\":([0-9.]+)"));
        assertEquals(16384 - 192, match(tree, "\"prefetchUsedPages\":(\\d+)"));
        assertEquals(0, match(tree, "\"prefetchWastedPages\":(\\d+)"));
        assertTrue(tree, tree.contains("\"xe0\":{\"eviction\":\"lru\",\"prefetch\":\"uvm-tree\",\"thrashing\":\"none\"}"));
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void aPolicyBundleUpdatedMidRunLosesNothing() throws Exception {
        Path swapped = Files.createTempFile("swap", ".yaml");
        Files.writeString(swapped, Files.readString(FILE).replace("policies:", "swap: {driver: policy-uvm, after: 60}\npolicies:"));
        try {
            String report = Gogo.run(processor, "workload:run \"" + swapped + "\"");
            assertTrue(report, report.contains("all 8 data checks passed"));
            assertTrue(report, report.contains("hot-swapped accelmm.policy.uvm"));
        } finally {
            Files.delete(swapped);
        }
        assertEquals("uvm-tree", policies.selected("xe0", PolicyKind.PREFETCH));
        PolicyInfo tree = policies.list().stream().filter(p -> p.name().equals("uvm-tree")).findFirst().orElseThrow();
        assertEquals("accelmm.policy.uvm", tree.bundle());
        assertEquals(List.of("xe0"), tree.devices());
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void theShellListsSetsAndRefusesWithTheKernelsErrno() throws Exception {
        String list = Gogo.run(processor, "policy:list");
        for (String name : List.of("lru", "fifo", "lfu", "mru", "random", "clock", "none", "sequential", "stride", "always-max",
                "uvm-tree", "uvm-thrashing", "chunk")) {
            assertTrue(list, list.contains(" " + name + " "));
        }
        assertEquals("xe0 eviction policy: lfu", Gogo.run(processor, "policy:set xe0 eviction lfu"));
        assertEquals("lfu", policies.selected("xe0", PolicyKind.EVICTION));
        Gogo.run(processor, "policy:set xe0 prefetch uvm-tree threshold=60");
        expect(Errno.EINVAL, "policy:set xe0 prefetch magic", "no prefetch policy 'magic'; known: always-max, chunk, none, sequential, stride, uvm-tree");
        expect(Errno.EINVAL, "policy:set xe0 prefetch uvm-tree threshold=200",
                "policy.prefetch.threshold (uvm-tree): 200 is out of range (1 to 100)");
        expect(Errno.EINVAL, "policy:set xe0 speed fast", "no policy kind 'speed'; one of eviction, prefetch, thrashing");
        expect(Errno.ENODEV, "policy:set xe9 eviction lru", "no device 'xe9'");
        assertEquals("uvm-tree", policies.selected("xe0", PolicyKind.PREFETCH));
        String stats = Gogo.run(processor, "policy:stats xe0");
        assertTrue(stats, stats.contains("prefetch   uvm-tree"));
        expect(Errno.EINVAL, "workload:run --policy xe0:prefetch=magic xe", "xe0: no prefetch policy 'magic'");
    }

    /** A workload where the GPU writes a 2 MiB buffer and the CPU reads it back, 20 times. */
    private static Path pingPong(String device) throws Exception {
        StringBuilder y = new StringBuilder("name: pingpong\nprocesses:\n  - name: pp\n    device: " + device
                + "\n    steps:\n      - mmap: {as: a, size: 2m}\n      - write: {to: a}\n");
        if (device.startsWith("xe")) {
            y.append("      - advise: {buffer: a, location: vram}\n");
        }
        for (int i = 0; i < 20; i++) {
            y.append("      - gpu-write: {to: a, length: 4k}\n      - read: {from: a, length: 4k}\n");
        }
        Path f = Files.createTempFile("pingpong", ".yaml");
        Files.writeString(f, y.toString());
        return f;
    }

    /**
     * Each GPU write moves the range in and each CPU read moves it out, about 90 us apart (20 us a
     * fault, 68 us for 2 MiB over PCIe 4.0): well inside UVM's 500 us lapse. Moves 1..3 count up to
     * the threshold of 3, moves 4..13 throttle (10 times), move 14 pins: on Xe the range then stays in
     * system memory, mapped remotely, and nothing faults again (14 GPU faults). GMEM cannot map
     * remotely, so its pin is one more throttle and counting starts over: 3 moves, then 4 throttles.
     */
    @Test
    public void aPingPongIsThrottledThenPinned() throws Exception {
        policies.select("gmem0", PolicyKind.THRASHING, "uvm-thrashing", Map.of());
        Path xe = pingPong("xe0");
        Path gmem = pingPong("gmem0");
        try {
            String report = Gogo.run(processor, "workload:run --policy xe0:thrashing=uvm-thrashing \"" + xe + "\"");
            assertTrue(report, report.contains("all 40 data checks passed"));
            assertTrue(report, report.matches("(?s).*\\nfaults +14 +14\\n.*"));
            assertTrue(report, report.matches("(?s).*\\nthrashing events +11 +11\\n.*"));
            assertTrue(report, report.matches("(?s).*\\nthrottles +10 +10\\n.*"));
            assertTrue(report, report.matches("(?s).*\\npins +1 +1\\n.*"));
            String npu = Gogo.run(processor, "workload:run \"" + gmem + "\"");
            assertTrue(npu, npu.contains("all 20 data checks passed"));
            assertTrue(npu, npu.matches("(?s).*\\nthrottles +15 +15\\n.*"));
        } finally {
            Files.delete(xe);
            Files.delete(gmem);
            policies.select("gmem0", PolicyKind.THRASHING, "none", Map.of());
        }
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void aDeviceConfigurationChoosesPoliciesAndTheCostModel() throws Exception {
        org.osgi.service.cm.Configuration dev = configAdmin.getFactoryConfiguration("accelmm.device", "policies", "?");
        java.util.Dictionary<String, Object> p = new java.util.Hashtable<>();
        p.put("name", "xe7");
        p.put("kind", "xe");
        p.put("memoryMiB", 8L);
        p.put("policy.eviction", "mru");
        p.put("policy.prefetch", "sequential");
        p.put("policy.prefetch.pages", "8");
        p.put("cost.link", "nvlink-c2c");
        dev.update(p);
        try {
            accelmm.itests.support.Await.until("xe7 with its policies", 20_000,
                    () -> devices.list().stream().anyMatch(d -> d.name().equals("xe7"))
                            && policies.selected("xe7", PolicyKind.EVICTION).equals("mru"));
            assertEquals("sequential", policies.selected("xe7", PolicyKind.PREFETCH));
            assertEquals("none", policies.selected("xe7", PolicyKind.THRASHING));
            PolicyInfo seq = policies.list().stream().filter(i -> i.name().equals("sequential")).findFirst().orElseThrow();
            assertEquals(List.of("xe7"), seq.devices());
            // 64 KiB read by the GPU, 8 pages a fault: 2 faults, 2 copies of 32 KiB, each 0.5 us +
            // 32768 B / 450 GB/s = 573 ns on NVLink-C2C (2041 ns on the default PCIe 4.0 x16).
            Path f = Files.createTempFile("xe7", ".yaml");
            Path json = Files.createTempFile("xe7", ".json");
            Files.writeString(f, "name: xe7\nprocesses:\n  - name: p\n    device: xe7\n    steps:\n      - mmap: {as: a, size: 2m}\n"
                    + "      - write: {to: a}\n      - advise: {buffer: a, location: vram}\n      - gpu-read: {from: a, length: 64k}\n");
            try {
                Gogo.run(processor, "workload:run --json \"" + json + "\" \"" + f + "\"");
                String text = Files.readString(json);
                assertEquals(2, match(text, "\"xe7\":\\{\"faults\":(\\d+)"));
                assertEquals(2 * 573, match(text, "\"xe7\":\\{\"simulatedSeconds\":[0-9.]+,\"breakdown\":\\{\"fault\":[0-9.]+,"
                        + "\"toDevice\":([0-9.]+)"));
            } finally {
                Files.delete(f);
                Files.delete(json);
            }
        } finally {
            dev.delete();
        }
        accelmm.itests.support.Await.until("xe7 to go", 20_000, () -> devices.list().stream().noneMatch(d -> d.name().equals("xe7")));
    }

    private void expect(Errno errno, String command, String detail) throws Exception {
        ErrnoException e = Gogo.failure(processor, command);
        assertEquals(command, errno, e.errno());
        assertTrue(e.getMessage(), e.getMessage().contains(detail));
    }
}
