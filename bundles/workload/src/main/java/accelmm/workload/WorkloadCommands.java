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
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.Errno;
import accelmm.api.device.DeviceInfo;
import accelmm.api.device.DeviceState;
import accelmm.api.device.Devices;
import accelmm.api.mm.MemoryManager;

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

    /** Creates the commands. */
    @Activate
    public WorkloadCommands(@Reference Devices devices, @Reference MemoryManager memory, BundleContext context) {
        this.devices = devices;
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
     * Runs a workload and returns its report; fails if any data check failed.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown workload; {@code EIO} if a data
     *     check failed; {@code ENODEV} if the device a single workload needs has no driver
     */
    @Descriptor("run a built-in workload (demo: all at once with a driver hot-swap) and print what the memory system did")
    public String run(@Descriptor("write the report as JSON to this file") @Parameter(names = "--json", absentValue = "") String json,
            @Descriptor("random seed (default: the file's, else 1)") @Parameter(names = "--seed", absentValue = "-1") long seedOption,
            @Descriptor("built-in workload name (see workload:list) or a workload file (.yaml, .yml, .json)") String name)
            throws IOException, InterruptedException {
        List<Workload> chosen = new ArrayList<>();
        String swapDriver = name.equals("demo") ? "panfrost" : null;
        int swapPercent = 50;
        long seed = seedOption < 0 ? 1 : seedOption;
        boolean optional = name.equals("demo");
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json") || name.contains("/")) {
            Path path = Path.of(name);
            if (!Files.isRegularFile(path)) {
                throw Errno.ENOENT.exception("no workload file " + path);
            }
            WorkloadFile wf = WorkloadFile.parse(path.getFileName().toString(), Files.readString(path), this::kindOf);
            for (WorkloadFile.Proc proc : wf.processes) {
                chosen.add(new FileWorkload(wf, proc));
            }
            swapDriver = wf.swapDriver;
            swapPercent = wf.swapAfterPercent;
            seed = seedOption < 0 ? wf.seed : seedOption;
            name = wf.name;
        } else {
            for (Workload w : builtIns()) {
                if (name.equals("demo") || w.name().equals(name)) {
                    chosen.add(w);
                }
            }
        }
        if (chosen.isEmpty()) {
            throw Errno.EINVAL.exception("no workload '" + name + "'; built in: demo, gna, panfrost, habana, xe, gmem; or a workload file");
        }
        List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Workload> runnable = new ArrayList<>();
        for (Workload w : chosen) {
            if (w.device() == null || bound(w.device())) {
                runnable.add(w);
            } else if (optional) {
                notes.add("skipped " + w.name() + ": " + w.device() + " has no driver");
            } else {
                throw Errno.ENODEV.exception(w.device() + " has no driver; start accelmm with --drivers " + w.name());
            }
        }
        Run run = new Run(devices, memory, seed);
        long start = System.nanoTime();
        if (swapDriver != null) {
            String bsn = "accelmm.driver." + swapDriver;
            run.armSwap(runnable.stream().mapToLong(Workload::steps).sum(), swapPercent,
                    () -> notes.add(hotSwap(bsn, (System.nanoTime() - start) / 1_000_000)));
        }
        Map<String, Map<String, Long>> before = counters();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (Workload w : runnable) {
            Thread t = new Thread(() -> {
                try {
                    w.run(run);
                } catch (Throwable e) {
                    errors.add(e);
                    run.failures.putIfAbsent(w.name(), String.valueOf(e));
                    run.failed.incrementAndGet();
                }
            }, "workload-" + w.name());
            threads.add(t);
            t.start();
        }
        while (threads.stream().anyMatch(Thread::isAlive)) {
            progress(run, runnable);
            Thread.sleep(100);
        }
        for (Thread t : threads) {
            t.join();
        }
        progress(run, runnable);
        if (System.console() != null) {
            System.err.println();
        }
        Report report = new Report(name, seed, System.nanoTime() - start, run, before, counters(), memory.nodes(), notes);
        if (!json.isEmpty()) {
            Files.writeString(Path.of(json), report.json() + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        if (run.failed.get() > 0) {
            throw Errno.EIO.exception(System.lineSeparator() + report.text());
        }
        return report.text();
    }

    private boolean bound(String device) {
        try {
            return devices.info(device).state() == DeviceState.BOUND;
        } catch (accelmm.api.ErrnoException e) {
            return false;
        }
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
