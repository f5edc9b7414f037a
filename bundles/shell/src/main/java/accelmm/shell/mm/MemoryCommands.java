package accelmm.shell.mm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.Errno;
import accelmm.api.cli.Args;
import accelmm.api.device.Devices;
import accelmm.api.gmem.Gmem;
import accelmm.api.idr.IdrRegistry;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.NodeInfo;
import accelmm.api.mm.ProcessInfo;
import accelmm.api.mm.Prot;
import accelmm.api.mm.VmaInfo;
import accelmm.api.mm.FaultSiteInfo;
import accelmm.api.notifier.NotifierInfo;
import accelmm.shell.format.Report;
import accelmm.shell.format.Rows;
import accelmm.shell.format.Section;

/**
 * Memory-manager commands (scope {@code mm}): processes, their mappings, statistics, the invariant
 * check and fault injection. The calls that change an address space are {@link AddressSpaceCommands}.
 *
 * <p>Concurrency: each command runs on the caller's thread; the service locks itself.
 */
@Component(service = MemoryCommands.class, property = {
    "osgi.command.scope=mm",
    "osgi.command.function=ps",
    "osgi.command.function=maps",
    "osgi.command.function=notifiers",
    "osgi.command.function=stats",
    "osgi.command.function=check",
    "osgi.command.function=reclaim",
    "osgi.command.function=fail"
})
public final class MemoryCommands {
    private final MemoryManager memory;
    private final IdrRegistry registry;
    private final Gmem gmem;
    private final Devices devices;

    /** Creates the commands over the core services. */
    @Activate
    public MemoryCommands(@Reference MemoryManager memory, @Reference IdrRegistry registry, @Reference Gmem gmem,
            @Reference Devices devices) {
        this.memory = memory;
        this.registry = registry;
        this.gmem = gmem;
        this.devices = devices;
    }

    /** Lists processes. */
    @Descriptor("list processes: pid, name, mappings, virtual size, resident pages")
    public List<ProcessRow> ps() {
        Rows<ProcessRow> rows = new Rows<>(ProcessRow.COLUMNS);
        for (ProcessInfo p : memory.processes()) {
            rows.add(new ProcessRow(p));
        }
        return rows;
    }

    /**
     * Lists a process's mappings like {@code /proc/PID/maps}, with resident pages.
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} for an unknown pid
     */
    @Descriptor("list the mappings of a process, like /proc/PID/maps, with resident pages")
    public List<MapRow> maps(@Descriptor("process id") String pid) {
        Rows<MapRow> rows = new Rows<>(MapRow.COLUMNS);
        for (VmaInfo v : memory.process(Args.pid(pid)).mm().maps()) {
            rows.add(new MapRow(v));
        }
        return rows;
    }

    /**
     * Lists a process's interval notifiers.
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} for an unknown pid
     */
    @Descriptor("list the MMU interval notifiers of a process: interval and last sequence")
    public List<NotifierRow> notifiers(@Descriptor("process id") String pid) {
        Rows<NotifierRow> rows = new Rows<>(NotifierRow.COLUMNS);
        for (NotifierInfo n : memory.process(Args.pid(pid)).mm().notifiers()) {
            rows.add(new NotifierRow(n));
        }
        return rows;
    }

    /** Shows the memory nodes and every counter. */
    @Descriptor("show memory nodes, counters (faults by kind, copy-on-write copies, pins, calls) and the hugetlb pool")
    public Report stats() {
        Rows<NodeRow> nodes = new Rows<>(NodeRow.COLUMNS);
        for (NodeInfo n : memory.nodes()) {
            nodes.add(new NodeRow(n));
        }
        Rows<CounterRow> counters = new Rows<>(CounterRow.COLUMNS);
        for (Map.Entry<String, Long> e : memory.counters().entrySet()) {
            counters.add(new CounterRow(e.getKey(), e.getValue()));
        }
        counters.add(new CounterRow("warnings", registry.warnings()));
        accelmm.api.mm.HugetlbInfo h = memory.hugetlb();
        Rows<CounterRow> huge = new Rows<>(CounterRow.COLUMNS);
        huge.add(new CounterRow("HugePages_Total", h.total()));
        huge.add(new CounterRow("HugePages_Free", h.free()));
        huge.add(new CounterRow("HugePages_Rsvd", h.reserved()));
        huge.add(new CounterRow("Hugepagesize_kB", h.pageSize() >> 10));
        return new Report(List.of(new Section("nodes", null, nodes), new Section("counters", null, counters),
                new Section("hugetlb", null, huge)));
    }

    /**
     * Runs the invariant check.
     *
     * @throws accelmm.api.ErrnoException {@code EIO} listing the breaches, if any
     */
    @Descriptor("check every invariant: allocators, frame references against mappings, pins and caches, GMEM page counts, device page tables")
    public String check() {
        List<String> problems = new ArrayList<>(memory.check());
        problems.addAll(gmem.check());
        problems.addAll(devices.check());
        if (!problems.isEmpty()) {
            throw Errno.EIO.exception(problems.size() + " invariant breach(es):\n  " + String.join("\n  ", problems));
        }
        return "all invariants hold";
    }

    /**
     * Asks the shrinkers to give pages back, as a full host does.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a count outside 1..2^40
     */
    @Descriptor("ask the shrinkers (drivers' purgeable objects) to free pages now, as a full host does; prints what they freed")
    public String reclaim(@Descriptor("pages to ask for, 1 to 2^40") String pages) {
        long n = Args.number("pages", pages, 1, 1L << 40);
        long freed = memory.reclaim(n);
        return "reclaimed " + freed + " page" + (freed == 1 ? "" : "s") + " (" + (freed * 4096 >> 10) + " KiB)";
    }

    /** Lists the fault-injection sites. */
    @Descriptor("list fault-injection sites with their calls and injected failures")
    public List<FailSiteRow> fail() {
        Rows<FailSiteRow> rows = new Rows<>(FailSiteRow.COLUMNS);
        for (FaultSiteInfo s : memory.failSites()) {
            rows.add(new FailSiteRow(s));
        }
        return rows;
    }

    /**
     * Arms or disarms a fault-injection site.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown site; {@code EINVAL} for bad values
     */
    @Descriptor("arm a fault-injection site (like failslab), or disarm it with --off")
    public List<FailSiteRow> fail(
            @Descriptor("disarm the site") @Parameter(names = {"--off"}, presentValue = "true", absentValue = "false") boolean off,
            @Descriptor("seed of the probability draws (default 0)") @Parameter(names = {"--seed"}, absentValue = "0") String seed,
            @Descriptor("percent of eligible calls that fail, 1 to 100 (default 100)") @Parameter(names = {"-p", "--probability"}, absentValue = "100") String probability,
            @Descriptor("only every N-th call is eligible (default 1: every call)") @Parameter(names = {"-i", "--interval"}, absentValue = "1") String interval,
            @Descriptor("at most this many failures; default 1, as the kernel's fault-injection 'times'; -1 for no limit") @Parameter(names = {"-t", "--times"}, absentValue = "1") String times,
            @Descriptor("the site: page.alloc, device.alloc or idr.node (mm:fail lists them)") String site) {
        if (off) {
            memory.failDisarm(site);
        } else {
            memory.failArm(site, Args.integer("probability", probability, 1, 100), Args.number("interval", interval, 1, Long.MAX_VALUE),
                    Args.number("times", times, -1, Long.MAX_VALUE), Args.number("seed", seed, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        return fail();
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "mm", args);
    }
}
