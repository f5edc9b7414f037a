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

import accelmm.api.Errno;
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
 * check, fault injection, and a few calls to poke an address space by hand.
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
    "osgi.command.function=fail",
    "osgi.command.function=spawn",
    "osgi.command.function=kill",
    "osgi.command.function=mmap",
    "osgi.command.function=write",
    "osgi.command.function=read"
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
    public List<MapRow> maps(@Descriptor("process id") int pid) {
        Rows<MapRow> rows = new Rows<>(MapRow.COLUMNS);
        for (VmaInfo v : memory.process(pid).mm().maps()) {
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
    public List<NotifierRow> notifiers(@Descriptor("process id") int pid) {
        Rows<NotifierRow> rows = new Rows<>(NotifierRow.COLUMNS);
        for (NotifierInfo n : memory.process(pid).mm().notifiers()) {
            rows.add(new NotifierRow(n));
        }
        return rows;
    }

    /** Shows the memory nodes and every counter. */
    @Descriptor("show memory nodes and counters: faults by kind, copy-on-write copies, pins, calls")
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
        return new Report(List.of(new Section("nodes", null, nodes), new Section("counters", null, counters)));
    }

    /**
     * Runs the invariant check.
     *
     * @throws IllegalStateException listing the breaches, if any
     */
    @Descriptor("check every invariant: allocators, frame references against mappings, pins and caches, GMEM page counts, device page tables")
    public String check() {
        List<String> problems = new ArrayList<>(memory.check());
        problems.addAll(gmem.check());
        problems.addAll(devices.check());
        if (!problems.isEmpty()) {
            throw new IllegalStateException(problems.size() + " invariant breach(es):\n  " + String.join("\n  ", problems));
        }
        return "all invariants hold";
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
            @Descriptor("seed of the probability draws") @Parameter(names = {"--seed"}, absentValue = "0") long seed,
            @Descriptor("percent of eligible calls that fail (1-100)") @Parameter(names = {"-p", "--probability"}, absentValue = "100") int probability,
            @Descriptor("only every N-th call is eligible") @Parameter(names = {"-i", "--interval"}, absentValue = "1") long interval,
            @Descriptor("at most this many failures, -1 for no limit") @Parameter(names = {"-t", "--times"}, absentValue = "1") long times,
            @Descriptor("the site, e.g. page.alloc or idr.node") String site) {
        if (off) {
            memory.failDisarm(site);
        } else {
            memory.failArm(site, probability, interval, times, seed);
        }
        return fail();
    }

    /** Creates a process. */
    @Descriptor("create a process with an empty address space")
    public ProcessRow spawn(@Descriptor("the process name") String name) {
        int pid = memory.spawn(name).pid();
        return row(pid);
    }

    private ProcessRow row(int pid) {
        for (ProcessInfo p : memory.processes()) {
            if (p.pid() == pid) {
                return new ProcessRow(p);
            }
        }
        throw Errno.ESRCH.exception("no process " + pid);
    }

    /**
     * Ends a process: every mapping is released.
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} for an unknown pid
     */
    @Descriptor("end a process; its memory is released")
    public String kill(@Descriptor("process id") int pid) {
        MmProcess p = memory.process(pid);
        p.exit();
        return "process " + pid + " exited";
    }

    /**
     * Maps anonymous memory into a process.
     *
     * @throws accelmm.api.ErrnoException as {@code mmap}
     */
    @Descriptor("map anonymous memory into a process; prints the address")
    public String mmap(
            @Descriptor("protection: any of r, w, x, or - for none") @Parameter(names = {"-p", "--prot"}, absentValue = "rw") String prot,
            @Descriptor("map shared instead of private") @Parameter(names = {"-s", "--shared"}, presentValue = "true", absentValue = "false") boolean shared,
            @Descriptor("process id") int pid,
            @Descriptor("length in bytes (suffix k, m or g allowed)") String length) {
        long addr = memory.process(pid).mm().mmap(0, size(length), prot(prot),
                (shared ? MapFlags.SHARED : MapFlags.PRIVATE) | MapFlags.ANONYMOUS);
        return String.format("0x%x", addr);
    }

    /**
     * Writes text into a process's memory as its CPU would.
     *
     * @throws accelmm.api.SegvException if the range is not writable
     */
    @Descriptor("write text (UTF-8) into a process's memory as its CPU would")
    public String write(@Descriptor("process id") int pid, @Descriptor("address, e.g. 0x7f0000000000") String addr,
            @Descriptor("the text") String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        memory.process(pid).mm().write(address(addr), b, 0, b.length);
        return b.length + " bytes written";
    }

    /**
     * Reads a process's memory as its CPU would and shows it as a hex dump.
     *
     * @throws accelmm.api.SegvException if the range is not readable
     */
    @Descriptor("read a process's memory as its CPU would; shows a hex dump")
    public String read(@Descriptor("process id") int pid, @Descriptor("address") String addr,
            @Descriptor("bytes to read (at most 4096)") int length) {
        if (length < 1 || length > 4096) {
            throw Errno.EINVAL.exception("length must be 1..4096");
        }
        long a = address(addr);
        byte[] b = new byte[length];
        memory.process(pid).mm().read(a, b, 0, length);
        return hexdump(a, b);
    }

    static long address(String s) {
        try {
            return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw Errno.EINVAL.exception("not an address: " + s);
        }
    }

    static long size(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long mult = 1;
        if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
            mult = t.endsWith("k") ? 1L << 10 : t.endsWith("m") ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw Errno.EINVAL.exception("not a size: " + s);
        }
    }

    static int prot(String s) {
        int prot = Prot.NONE;
        for (char c : s.toCharArray()) {
            switch (c) {
                case 'r' -> prot |= Prot.READ;
                case 'w' -> prot |= Prot.WRITE;
                case 'x' -> prot |= Prot.EXEC;
                case '-' -> { }
                default -> throw Errno.EINVAL.exception("protection letters are r, w, x or -: " + s);
            }
        }
        return prot;
    }

    static String hexdump(long addr, byte[] b) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < b.length; i += 16) {
            StringBuilder hex = new StringBuilder();
            StringBuilder text = new StringBuilder();
            for (int j = i; j < Math.min(b.length, i + 16); j++) {
                hex.append(String.format("%02x ", b[j]));
                text.append(b[j] >= 32 && b[j] < 127 ? (char) b[j] : '.');
            }
            lines.add(String.format("%012x  %-48s |%s|", addr + i, hex, text));
        }
        return String.join("\n", lines);
    }
}
