package accelmm.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged launcher, run as a user runs it: {@code java -jar accelmm-launcher.jar ...}. */
class LauncherIT {
    @TempDir
    Path home;

    record Result(int status, String out, String err) {
    }

    private Result launch(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Daccelmm.home=" + home);
        cmd.add("-jar");
        cmd.add(System.getProperty("accelmm.launcher.jar", "../launcher/target/accelmm-launcher.jar"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        File out = home.resolve("out.txt").toFile();
        File err = home.resolve("err.txt").toFile();
        pb.redirectOutput(out).redirectError(err);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("launcher did not exit: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    @Test
    void execPrintsEachResultAndExitsZero() throws Exception {
        Result r = launch("", "exec", "--drivers", "none", "kmod:lsmod; mm:idr");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("accelmm.core"), r.out());
        // The built-in devices exist from the start, each with its registries, even without drivers.
        assertTrue(r.out().matches("(?s).*OWNER +NAME +KIND +BASE +COUNT\n.*dev:xe0 +files +IDR +1 +0\n.*"), r.out());
        assertTrue(Files.isDirectory(home.resolve("deploy")), "the default deploy folder is created");
    }

    @Test
    void aFailingCommandIsReportedAndTheRestStillRuns() throws Exception {
        Result r = launch("", "exec", "kmod:rmmod no.such; mm:idr");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("error: kmod:rmmod no.such: ENOENT: no module named no.such"), r.err());
        assertTrue(r.out().contains("OWNER"), r.out());
    }

    @Test
    void execReadsCommandsFromStandardInput() throws Exception {
        Result r = launch("# a comment\nkmod:modinfo accelmm.shell\n", "exec", "-");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("accelmm shell commands"), r.out());
    }

    @Test
    void usageMistakesExitTwoWithAClearMessage() throws Exception {
        Result unknown = launch("", "shell", "--drivers", "nosuch");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown driver 'nosuch'; known drivers:"), unknown.err());
        Result none = launch("");
        assertEquals(2, none.status());
        assertTrue(none.err().contains("no command given"), none.err());
        Result seed = launch("", "run", "--seed", "many");
        assertEquals(2, seed.status());
        assertTrue(seed.err().contains("--seed takes a number"), seed.err());
        Result misplaced = launch("", "exec", "--json", "x.json", "dev:list");
        assertEquals(2, misplaced.status());
        assertTrue(misplaced.err().contains("--json belongs to 'accelmm run'"), misplaced.err());
    }

    @Test
    void runExecutesAWorkloadPrintsTheReportAndWritesJson() throws Exception {
        java.nio.file.Path json = java.nio.file.Files.createTempFile("accelmm-report", ".json");
        Result run = launch("", "run", "--workload", "gna", "--json", json.toString(), "--seed", "5");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("workload gna (seed 5): all 40 data checks passed"), run.out());
        assertTrue(run.out().matches("(?s).*pinned pages +\\d+ +\\d+.*"), run.out());
        String text = java.nio.file.Files.readString(json);
        assertTrue(text.startsWith("{\"version\":3,\"workload\":\"gna\",\"seed\":5,") && text.contains("\"checks\":{\"passed\":40,\"failed\":0}"), text);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> parsed = new org.yaml.snakeyaml.Yaml().load(text);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> total = (java.util.Map<String, Object>) parsed.get("total");
        for (String row : List.of("pinned pages", "ioctls")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + row + " .* (\\d+)$").matcher(run.out());
            assertTrue(m.find(), row + " in " + run.out());
            String key = row.equals("pinned pages") ? "pinnedPages" : row;
            assertEquals(Long.parseLong(m.group(1)), ((Number) total.get(key)).longValue(), row);
        }
        assertEquals(0L, ((Number) total.get("faults")).longValue());
        assertTrue(!run.out().contains("\nfaults "), "a counter that did not move is not shown: " + run.out());
        Result unknown = launch("", "run", "--workload", "nope");
        assertEquals(2, unknown.status());
        assertEquals("accelmm run: EINVAL: no workload 'nope'; built in: demo, gna, panfrost, habana, xe, gmem; or a workload file\n",
                unknown.err());
    }

    @Test
    void runExitsTwoForWhatIsNotRightAndOneForWhatFailed() throws Exception {
        Path bad = home.resolve("bad.yaml");
        Files.writeString(bad, "name: t\nprocesses:\n  - name: p\n    device: xe0\n    steps:\n      - mmap: {as: a, size: 8k}\n"
                + "      - write: {to: a, offset: 4k, length: 8k}\n");
        Result r = launch("", "run", "--workload", bad.toString());
        assertEquals(2, r.status(), r.err());
        assertEquals("accelmm run: EINVAL: bad.yaml:7: expected 'offset' and 'length' inside the 8192-byte buffer 'a'; offset 4096 "
                + "and length 8192 are not\n", r.err());
        assertEquals("", r.out());
        Result none = launch("", "run", "--drivers", "none", "--workload", "xe");
        assertEquals(2, none.status());
        assertTrue(none.err().startsWith("accelmm run: ENODEV: workload xe needs device xe0, which has no driver"), none.err());
        Result demo = launch("", "run", "--drivers", "none");
        assertEquals(2, demo.status());
        Result badPolicy = launch("", "run", "--workload", "xe", "--policy", "xe0:prefetch");
        assertEquals(2, badPolicy.status());
        assertTrue(badPolicy.err().contains("--policy takes DEVICE:KIND=NAME or DEVICE:KIND.PARAM=VALUE"), badPolicy.err());
        Result unknownPolicy = launch("", "run", "--workload", "xe", "--policy", "xe0:prefetch=magic");
        assertEquals(2, unknownPolicy.status());
        assertTrue(unknownPolicy.err().contains("EINVAL: xe0: no prefetch policy 'magic'; known: always-max, chunk, none,"),
                unknownPolicy.err());
        Result json = launch("", "run", "--workload", "gna", "--json", "/no/such/dir/r.json");
        assertEquals(2, json.status());
        assertEquals("accelmm run: ENOENT: --json /no/such/dir/r.json: no folder /no/such/dir\n", json.err());
        Result stdoutJson = launch("", "run", "--workload", "gna", "--seed", "-5", "--json", "-");
        assertEquals(0, stdoutJson.status(), stdoutJson.err());
        assertTrue(stdoutJson.out().startsWith("{\"version\":3,\"workload\":\"gna\",\"seed\":-5,"), stdoutJson.out());
        assertTrue(stdoutJson.err().startsWith("workload gna (seed -5): all 40 data checks passed"), stdoutJson.err());
        assertTrue(!Files.exists(home.resolve("-")));
        Result failed = launch("mm:fail -p 100 -t 3 page.alloc\nworkload:run gna\n", "exec", "-");
        assertEquals(1, failed.status());
        assertTrue(failed.out().contains("workload gna (seed 1): all 0 data checks passed, 1 step FAILED"), failed.out());
        assertTrue(failed.out().contains("  1 injected failure, 0 unplugs (not data checks)"), failed.out());
        assertTrue(failed.out().contains("FAILED gna: ENOMEM: injected page allocation failure on host"), failed.out());
    }

    @Test
    void deployConfigurationsTakeEffectBeforeCommandsAndAreNeverWritten() throws Exception {
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Map<Path, String> files = new java.util.LinkedHashMap<>();
        files.put(deploy.resolve("accelmm.device-xe0.cfg"),
                "name = xe0\nkind = xe\nmemoryMiB = 48\npciPosition = rc0/sw1/xe0\nmaxSegSize = 4294967296\n");
        files.put(deploy.resolve("accelmm.device-npu1.cfg"), "name = npu1\nkind = gmem\nmemoryMiB = 8\n");
        files.put(deploy.resolve("accelmm.core.memory.cfg"), "hostMiB = 1536\n");
        files.put(deploy.resolve("accelmm.device-bad.cfg"), "name = bad0\nkind = gmem\nmemoryMiB = -16\n");
        for (Map.Entry<Path, String> f : files.entrySet()) {
            Files.writeString(f.getKey(), f.getValue());
        }
        for (int i = 0; i < 3; i++) {
            Result r = launch("", "exec", "dev:info npu1; dev:info bad0; mm:stats");
            assertEquals(1, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("npu1"), r.out());
            assertTrue(r.out().matches("(?s).*\\bxe0 +DEVICE +49152\\b.*"), r.out());
            assertTrue(r.out().matches("(?s).*\\bhost +HOST +1572864\\b.*"), r.out());
            assertTrue(r.err().contains("error: dev:info bad0: ENODEV: no device bad0"), r.err());
            assertTrue(r.err().contains(deploy.resolve("accelmm.device-bad.cfg") + ": memoryMiB: -16 is out of range"), r.err());
        }
        Result run = launch("", "run", "--workload", "xe");
        assertEquals(0, run.status(), run.out() + run.err());
        Result log = launch("", "exec", "log:display; config:edit accelmm.core.memory; config:property-set accelmm.core.memory hostMiB 2048");
        assertEquals(0, log.status(), log.err());
        assertTrue(log.out().contains(deploy.resolve("accelmm.device-bad.cfg") + ": memoryMiB: -16 is out of range"), log.out());
        assertTrue(log.out().contains("file " + deploy.resolve("accelmm.core.memory.cfg")), log.out());
        for (Map.Entry<Path, String> f : files.entrySet()) {
            assertEquals(f.getValue(), Files.readString(f.getKey()), f.getKey().toString());
        }
    }

    @Test
    void aDeployedJarOfABuiltInDriverReplacesItAndABrokenJarIsOneLine() throws Exception {
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Path drivers = Path.of(System.getProperty("accelmm.launcher.jar", "../launcher/target/accelmm-launcher.jar"))
                .toAbsolutePath().getParent().resolve("drivers");
        Files.copy(drivers.resolve("accelmm-driver-gna.jar"), deploy.resolve("my-gna.jar"));
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(Files.newOutputStream(deploy.resolve("broken.jar")),
                manifest("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "accelmm.itest.broken", "Bundle-Version", "1.0.0",
                        "Import-Package", "no.such.pkg"))) {
            jar.flush();
        }
        Result r = launch("", "exec", "kmod:lsmod; dev:list");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("accelmm: " + deploy.resolve("my-gna.jar") + " is accelmm.driver.gna; it is used instead of the "
                + "built-in driver"), r.err());
        assertEquals(1, r.out().lines().filter(l -> l.matches(" *\\d+ +[A-Z]+ +\\d+ +accelmm\\.driver\\.gna .*")).count(), r.out());
        assertTrue(r.out().matches("(?s).*gna0 +gna +accelmm\\.driver\\.gna .*BOUND.*"), r.out());
        assertTrue(!r.out().contains("Updating this bundle"), r.out());
        assertTrue(r.err().matches("(?s).*WARN fileinstall - Error while starting bundle: file:\\S*/deploy/broken\\.jar: Unable to resolve "
                + "accelmm\\.itest\\.broken .*"), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private static java.util.jar.Manifest manifest(String... kv) {
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        for (int i = 0; i < kv.length; i += 2) {
            m.getMainAttributes().putValue(kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * The interactive shell on a terminal: util-linux {@code script} gives the launcher a pty
     * (with a size: JLine needs columns). One banner, errors as {@code ERRNO: sentence}, Ctrl-C
     * stopping a torture run and ending its processes, and {@code exit} leaving without Gogo's
     * "stopping framework".
     */
    @Test
    void theInteractiveShellAnswersInErrnosAndLeavesQuietly() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assertTrue(Files.isExecutable(script), "driving a terminal needs util-linux's script at " + script);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Path.of(System.getProperty("accelmm.launcher.jar", "../launcher/target/accelmm-launcher.jar")).toAbsolutePath().toString();
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "-qec",
                "stty cols 160 rows 40; exec '" + java + "' -Daccelmm.home='" + home + "' -jar '" + jar + "' shell", "/dev/null");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        StringBuffer out = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0;) {
                    out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.start();
        try (var keys = p.getOutputStream()) {
            awaitText(out, "accelmm>", 1);
            for (String[] step : new String[][] {{"nosuch", "ENOENT: no command 'nosuch'"},
                    {"mm:maps 4294967297", "EINVAL: pid 4294967297 is out of range (1 to 2147483647)"},
                    {"mm:mmap 1", "EINVAL: mm:mmap: wrong arguments [1]"}}) {
                keys.write((step[0] + "\r").getBytes(StandardCharsets.UTF_8));
                keys.flush();
                awaitText(out, step[1], 1);
            }
            keys.write("torture:run --seconds 60\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            awaitText(out, "torture: 1/60 s", 1);
            keys.write(3);
            keys.flush();
            // Ctrl-C stops the run: its threads end and its processes exit (Gogo's job controller
            // still prints its own InterruptedException line).
            long deadline = System.currentTimeMillis() + 45_000;
            String ps = "";
            while (!ps.contains("PID  NAME  VMAS  VIRT_KB  RSS_PAGES\n(none)") && System.currentTimeMillis() < deadline) {
                Thread.sleep(1000);
                int from = out.length();
                keys.write("mm:ps\r".getBytes(StandardCharsets.UTF_8));
                keys.flush();
                Thread.sleep(1000);
                ps = out.substring(from).replace("\r", "");
            }
            assertTrue(ps.contains("(none)"), "the interrupted torture left processes: " + ps);
            keys.write("exit\r".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the shell did not exit: " + out);
        } finally {
            p.destroyForcibly();
            reader.join(10_000);
        }
        String text = out.toString().replaceAll("\u001B\\[[0-9;?]*[a-zA-Z]", "");
        assertEquals(0, p.exitValue(), text);
        assertEquals(1, text.split("accelmm ready in", -1).length - 1, "one banner: " + text);
        assertTrue(!text.contains("stopping framework") && !text.contains("ErrnoException")
                && !text.contains("CommandNotFoundException") && !text.contains("IllegalArgumentException"), text);
    }

    private static void awaitText(StringBuffer out, String text, int times) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (out.toString().split(java.util.regex.Pattern.quote(text), -1).length - 1 < times) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no '" + text + "' in: " + out);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void helpDocumentsEveryCommandAndOption() throws Exception {
        Result r = launch("", "--help");
        assertEquals(0, r.status());
        for (String word : List.of("shell", "exec", "run", "--drivers", "--deploy", "--log", "--workload", "--json", "--seed",
                "kmod", "mm", "dev", "workload")) {
            assertTrue(r.out().contains(word), word);
        }
    }

    @Test
    void aTortureRunWithDriverUpdatesPassesAndEndsWithItsVerdictLine() throws Exception {
        Result r = launch("", "torture", "--seconds", "20", "--threads", "6", "--swap-every", "150", "--seed", "4242");
        String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(last.matches("torture: \\d+ ops \\((1[0-9]|[2-9][0-9]) kinds\\), [1-9]\\d* swaps, 0 injected failures, 0 deadlocks, "
                + "0 lock-order reports, 0 lost, \\d+ ops/s PASS"), last);
        Result bad = launch("", "torture", "--fail", "200");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--fail takes 0 to 100, not 200"), bad.err());
    }
}
