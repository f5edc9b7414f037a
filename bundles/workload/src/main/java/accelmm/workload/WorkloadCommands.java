package accelmm.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.Errno;
import accelmm.api.cli.Args;
import accelmm.api.cost.SimClocks;
import accelmm.api.cost.SimTime;
import accelmm.api.device.DeviceInfo;
import accelmm.api.device.DeviceState;
import accelmm.api.device.Devices;
import accelmm.api.mm.FaultSiteInfo;
import accelmm.api.mm.MemoryManager;
import accelmm.api.policy.Policies;
import accelmm.api.policy.PolicyKind;

/**
 * Workload commands (scope {@code workload}): list the built-in workloads, run one (or {@code demo},
 * all of them at once with a driver hot-swapped in the middle) and print the report.
 *
 * <p>Concurrency: each workload runs on its own thread; the command waits for them.
 */
@Component(service = WorkloadCommands.class, property = {"osgi.command.scope=workload", "osgi.command.function=run",
    "osgi.command.function=list"})
public final class WorkloadCommands {
    private final Devices devices;
    private final MemoryManager memory;
    private final BundleContext context;
    private final Policies policies;
    private final SimClocks clocks;

    /** Creates the commands. */
    @Activate
    public WorkloadCommands(@Reference Devices devices, @Reference MemoryManager memory, @Reference Policies policies,
            @Reference SimClocks clocks, BundleContext context) {
        this.devices = devices;
        this.policies = policies;
        this.clocks = clocks;
        this.memory = memory;
        this.context = context;
    }

    static List<Workload> builtIns() {
        return List.of(new GnaInference(40), new PanfrostHeap(32), new HabanaP2p(24), new XeSvmWorkload(24),
                new GmemOversubscription(12));
    }

    /** Lists the built-in workloads. */
    @Descriptor("list the built-in workloads")
    public List<String> list() {
        List<String> out = new ArrayList<>();
        out.add("demo      all of the below at once, in separate processes, with the panfrost driver hot-swapped midway");
        for (Workload w : builtIns()) {
            out.add(String.format(Locale.ROOT, "%-9s %s", w.name(), w.description()));
        }
        return out;
    }

    /**
     * Runs a workload and returns its report; fails if any data check or step failed. Everything
     * about the command (the workload, the file, the seed, the JSON path, the devices it needs) is
     * checked before anything runs.
     *
     * @throws accelmm.api.ErrnoException before running: {@code EINVAL} for an unknown workload, a
     *     bad file ({@code FILE:LINE: ...}) or a bad seed, {@code ENOENT} for a missing file or JSON
     *     folder, {@code ENODEV} if a device the workload needs has no driver; after running:
     *     {@code EIO} if a data check or a step failed (the report is printed first), {@code EINTR}
     *     if interrupted
     */
    @Descriptor("run a built-in workload (demo: all at once with a driver hot-swap) and print what the memory system did")
    public String run(@Descriptor("also write the report as JSON to this file ('-' for standard output)") @Parameter(names = "--json", absentValue = "") String json,
            @Descriptor("random seed, any whole number (default: the file's, else 1)") @Parameter(names = "--seed", absentValue = "") String seedOption,
            @Descriptor("page content: bytes (every page its 4 KiB) or stamps (a 64-bit stamp a page); default: the file's, else bytes") @Parameter(names = "--content", absentValue = "") String contentOption,
            @Descriptor("memory policies, comma-separated DEVICE:KIND=NAME or DEVICE:KIND.PARAM=VALUE (xe0:prefetch=uvm-tree); over the file's") @Parameter(names = "--policy", absentValue = "") String policyOption,
            @Descriptor("also write the run's simulated-time trace (Chrome / Perfetto trace-event JSON) to this file") @Parameter(names = "--trace", absentValue = "") String traceOption,
            @Descriptor("built-in workload name (see workload:list) or a workload file (.yaml, .yml, .json)") String name)
            throws IOException, InterruptedException {
        List<Workload> chosen = new ArrayList<>();
        String swapDriver = name.equals("demo") ? "panfrost" : null;
        int swapPercent = 50;
        Long seedGiven = seedOption.isEmpty() ? null : Args.number("seed", seedOption, Long.MIN_VALUE, Long.MAX_VALUE);
        long seed = seedGiven == null ? 1 : seedGiven;
        boolean optional = name.equals("demo");
        Content content = contentOption.isEmpty() ? null : Content.parse(contentOption);
        PolicyChoices policyChoices = new PolicyChoices();
        PolicyChoices optionChoices = new PolicyChoices();
        if (!policyOption.isEmpty()) {
            optionChoices.addOption(policyOption);
        }
        Content runContent = Content.BYTES;
        String file = null;
        Map<String, Integer> barriers = Map.of();
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json") || name.contains("/")) {
            Path path = Path.of(name);
            WorkloadFile wf = WorkloadFile.parse(path.getFileName().toString(), text(path), this::kindOf, content, policies);
            policyChoices.addAll(wf.policies);
            for (WorkloadFile.Proc proc : wf.processes) {
                chosen.add(new FileWorkload(wf, proc));
            }
            barriers = wf.barriers;
            swapDriver = wf.swapDriver;
            runContent = wf.content;
            swapPercent = wf.swapAfterPercent;
            seed = seedGiven == null ? wf.seed : seedGiven;
            name = wf.name;
            file = path.toAbsolutePath().toString();
        } else {
            runContent = content == null ? Content.BYTES : content;
            for (Workload w : builtIns()) {
                if (name.equals("demo") || w.name().equals(name)) {
                    chosen.add(w);
                }
            }
        }
        if (chosen.isEmpty()) {
            throw Errno.EINVAL.exception("no workload '" + name + "'; built in: demo, gna, panfrost, habana, xe, gmem; or a workload file");
        }
        policyChoices.addAll(optionChoices);
        policyChoices.check(policies);
        Path jsonPath = json.isEmpty() || json.equals("-") ? null : jsonTarget(json);
        Path tracePath = traceOption.isEmpty() ? null : target("--trace", traceOption);
        List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Workload> runnable = new ArrayList<>();
        for (Workload w : chosen) {
            String why = w.device() == null ? null : unbound(w.device());
            if (why == null) {
                runnable.add(w);
            } else if (optional) {
                notes.add("skipped " + w.name() + ": " + why);
            } else {
                throw Errno.ENODEV.exception("workload " + name + " needs " + why);
            }
        }
        if (runnable.isEmpty()) {
            throw Errno.ENODEV.exception("workload " + name + " has nothing to run: none of its devices ("
                    + String.join(", ", chosen.stream().map(Workload::device).toList())
                    + ") has a driver; start accelmm with --drivers all");
        }
        policyChoices.apply(policies);
        Run run = new Run(devices, memory, seed, runContent);
        run.clocks = clocks;
        run.barriers(barriers);
        HeapPeak.reset();
        long start = System.nanoTime();
        if (swapDriver != null) {
            String bsn = swapDriver.startsWith("policy-") ? "accelmm.policy." + swapDriver.substring(7)
                    : "accelmm.driver." + swapDriver;
            run.armSwap(runnable.stream().mapToLong(Workload::steps).sum(), swapPercent,
                    () -> notes.add(hotSwap(bsn, (System.nanoTime() - start) / 1_000_000)));
        }
        Map<String, Map<String, Long>> before = counters();
        clocks.startRun();
        TraceWriter trace = tracePath == null ? null : new TraceWriter(tracePath);
        if (trace != null) {
            clocks.trace(trace);
        }
        Map<Integer, SimTime> simBefore = clocks.processes();
        Map<String, SimTime> devSimBefore = clocks.devices();
        long injectedBefore = injected();
        long unplugsBefore = unplugs();
        List<Thread> threads = new ArrayList<>();
        for (Workload w : runnable) {
            Thread t = new Thread(() -> {
                try {
                    w.run(run);
                } catch (Throwable e) {
                    run.failed(w.name(), e);
                }
            }, "workload-" + w.name());
            threads.add(t);
            t.start();
        }
        try {
            while (threads.stream().anyMatch(Thread::isAlive)) {
                progress(run, runnable);
                Thread.sleep(100);
                if (trace != null) {
                    trace.drain();
                }
            }
        } catch (InterruptedException e) {
            run.cancel();
            for (Thread t : threads) {
                t.join(30_000);
            }
            if (trace != null) {
                clocks.trace(null);
                trace.finish(run.names);
            }
            throw Errno.EINTR.exception("workload " + name + " interrupted; its processes were ended");
        } finally {
            if (System.console() != null) {
                System.err.print("\r" + " ".repeat(100) + "\r");
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        if (trace != null) {
            clocks.trace(null);
            long events = trace.finish(run.names);
            notes.add("trace: " + events + " events in " + tracePath);
        }
        List<String> config = new ArrayList<>();
        Map<String, Map<String, String>> chosenPolicies = new java.util.TreeMap<>();
        for (DeviceInfo d : devices.list()) {
            config.add(d.name() + " " + d.kind() + " " + (d.driver() == null ? "-" : d.driver() + " " + d.driverVersion())
                    + " " + (devices.spec(d.name()).memoryBytes() >> 20) + " MiB");
            Map<String, String> byKind = new LinkedHashMap<>();
            for (PolicyKind k : PolicyKind.values()) {
                byKind.put(k.label(), policies.selected(d.name(), k));
            }
            chosenPolicies.put(d.name(), byKind);
        }
        Simulated simulated = Simulated.between(simBefore, clocks.processes(), devSimBefore, clocks.devices(), run.names);
        Report report = new Report(new Report.Config(name, file, seed, swapDriver, swapPercent, config, runContent,
                chosenPolicies), System.nanoTime() - start,
                run, before, counters(), injected() - injectedBefore, unplugs() - unplugsBefore, memory.nodes(), notes,
                HeapPeak.bytes(), simulated);
        String result = report.text();
        if (json.equals("-")) {
            System.err.print(result);
            result = report.json();
        } else if (jsonPath != null) {
            Files.writeString(jsonPath, report.json() + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        if (!report.passed()) {
            System.out.print(result.endsWith(System.lineSeparator()) ? result : result + System.lineSeparator());
            System.out.flush();
            String verdict = report.headline();
            throw Errno.EIO.exception(verdict.substring(0, verdict.lastIndexOf(" in ")) + "; the report is above");
        }
        return result.stripTrailing();
    }

    /** Reads a workload file as UTF-8 text. */
    private static String text(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw Errno.EISDIR.exception(path + " is a directory, not a workload file");
        }
        if (!Files.isRegularFile(path)) {
            throw Errno.ENOENT.exception("no workload file " + path);
        }
        byte[] bytes = Files.readAllBytes(path);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            if (s.indexOf('\0') >= 0) {
                throw Errno.EINVAL.exception(path.getFileName() + ": not a workload file: it holds binary data (a NUL byte)");
            }
            return s;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw Errno.EINVAL.exception(path.getFileName() + ": not a workload file: it is not UTF-8 text");
        }
    }

    /** Checks, before the run, that the JSON report can be written there. */
    private static Path jsonTarget(String json) {
        return target("--json", json);
    }

    /** Checks that {@code option}'s file {@code path} can be written. */
    private static Path target(String option, String path) {
        Path p = Path.of(path).toAbsolutePath();
        Path dir = p.getParent();
        if (Files.isDirectory(p)) {
            throw Errno.EISDIR.exception(option + " " + path + " is a directory; name a file");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw Errno.ENOENT.exception(option + " " + path + ": no folder " + dir);
        }
        if (!Files.isWritable(dir) || (Files.exists(p) && !Files.isWritable(p))) {
            throw Errno.EACCES.exception(option + " " + path + ": cannot write there");
        }
        return p;
    }

    /** Why a device cannot run a workload now, or null if it can. */
    private String unbound(String device) {
        DeviceInfo info;
        try {
            info = devices.info(device);
        } catch (accelmm.api.ErrnoException e) {
            return "device " + device + ", which does not exist (see dev:list)";
        }
        if (info.state() == DeviceState.BOUND) {
            return null;
        }
        String bsn = "accelmm.driver." + info.kind();
        boolean installed = java.util.Arrays.stream(context.getBundles()).anyMatch(b -> bsn.equals(b.getSymbolicName()));
        return "device " + device + ", which has no driver (" + info.state() + "); "
                + (installed ? "its driver module " + bsn + " is installed but not bound: see kmod:modinfo " + bsn
                        : "start accelmm with --drivers " + info.kind() + " (or all), or kmod:insmod its driver");
    }

    private long injected() {
        return memory.failSites().stream().mapToLong(FaultSiteInfo::failures).sum();
    }

    private long unplugs() {
        return devices.list().stream().mapToLong(DeviceInfo::unplugs).sum();
    }

    private Map<String, Map<String, Long>> counters() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (DeviceInfo d : devices.list()) {
            out.put(d.name(), devices.stats(d.name()));
        }
        return out;
    }

    private String kindOf(String device) {
        try {
            return devices.info(device).kind();
        } catch (accelmm.api.ErrnoException e) {
            return null;
        }
    }

    /** Rewrites the progress line on a terminal; prints nothing into a pipe or a log. */
    private static void progress(Run run, List<Workload> workloads) {
        if (System.console() == null) {
            return;
        }
        StringBuilder b = new StringBuilder("\rrunning:");
        for (Workload w : workloads) {
            var p = run.progress.get(w.name());
            b.append(String.format(Locale.ROOT, "  %s %d/%d", w.name(), p == null ? 0 : p.get(), w.steps()));
        }
        b.append(String.format(Locale.ROOT, "  checks %d ok, %d failed ", run.passed.get(), run.failed.get()));
        System.err.print(b);
        System.err.flush();
    }

    /** Updates a driver bundle in place while its device is in use. */
    private String hotSwap(String bsn, long atMs) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                try {
                    clocks.instant("hot-swap " + bsn, null);
                    b.update();
                    return "hot-swapped " + bsn + " at " + atMs + " ms; its device kept every object";
                } catch (Exception e) {
                    return "hot-swap of " + bsn + " failed: " + e.getMessage();
                }
            }
        }
        return "no " + bsn + " to hot-swap";
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "workload", args);
    }
}
