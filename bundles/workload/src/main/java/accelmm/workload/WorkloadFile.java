package accelmm.workload;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import accelmm.api.Errno;

/**
 * A workload file (YAML, or JSON, which is YAML too), read into processes and steps and checked
 * completely before anything runs; every mistake is reported as {@code FILE:LINE: what was expected}.
 * The schema is documented in {@code workloads/README.md}.
 *
 * <p>Concurrency: immutable once read.
 */
final class WorkloadFile {
    /** One step: its kind, its arguments and its line. */
    record Step(String kind, Map<String, Object> args, int line) {
        String name(String key) {
            return (String) args.get(key);
        }

        long size(String key, long absent) {
            Object v = args.get(key);
            return v == null ? absent : (Long) v;
        }
    }

    /** One process: a name, the device it opens (or null) and its steps. */
    record Proc(String name, String device, List<Step> steps) {
    }

    /** What the steps take: argument name to type ({@code name}, {@code size}, {@code location}). */
    static final Map<String, Map<String, String>> STEPS = new LinkedHashMap<>();
    /** Which arguments a step must have. */
    static final Map<String, List<String>> REQUIRED = new LinkedHashMap<>();

    static {
        step("mmap", "as:name size:size", "as size");
        step("write", "to:name offset:size length:size", "to");
        step("read", "from:name offset:size length:size", "from");
        step("munmap", "buffer:name", "buffer");
        step("heap", "as:name size:size", "as size");
        step("advise", "buffer:name location:location", "buffer location");
        step("gpu-write", "to:name offset:size length:size", "to");
        step("gpu-read", "from:name offset:size length:size", "from");
        step("fork-check", "buffer:name", "buffer");
        step("gna-infer", "buffer:name inputs:count outputs:count", "buffer inputs outputs");
        step("habana-share", "size:size peer:name", "size peer");
        step("phase", "name:name", "name");
        step("barrier", "name:name", "name");
        step("access", "buffer:name by:by op:op pattern:name offset:size length:size count:number stride:size skew:real hot:real "
                + "share:real seed:number", "buffer pattern");
    }

    /** The most steps a process may have once its {@code repeat}s are unrolled. */
    static final int MAX_STEPS = 1_000_000;

    private static void step(String kind, String args, String required) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : args.split(" ")) {
            m.put(a.substring(0, a.indexOf(':')), a.substring(a.indexOf(':') + 1));
        }
        STEPS.put(kind, m);
        REQUIRED.put(kind, List.of(required.split(" ")));
    }

    /** The most weights of a {@code gna-infer} layer (they fill 16 KiB of the buffer). */
    static final long GNA_MAX_WEIGHTS = 8192;

    /** The largest mmap buffer a workload file may create: the most host memory there can be (1 TiB). */
    static final long MAX_BUFFER = 1L << 40;
    /** The largest Panfrost heap and Habana share: one device object. */
    static final long MAX_OBJECT = 256L << 20;

    final String file;
    final String name;
    final long seed;
    final String swapDriver;
    final int swapAfterPercent;
    final List<Proc> processes;
    final Content content;
    /** The barriers, by name, with the number of processes that wait at each. */
    final Map<String, Integer> barriers;
    /** The memory policies the file asks for ({@code policies:}). */
    final PolicyChoices policies;

    private WorkloadFile(String file, String name, long seed, String swapDriver, int swapAfterPercent, List<Proc> processes,
            Content content, PolicyChoices policies, Map<String, Integer> barriers) {
        this.file = file;
        this.barriers = barriers;
        this.policies = policies;
        this.content = content;
        this.name = name;
        this.seed = seed;
        this.swapDriver = swapDriver;
        this.swapAfterPercent = swapAfterPercent;
        this.processes = processes;
    }

    /**
     * Reads and checks a workload file.
     *
     * @param deviceKind device name to kind, or null for an unknown device
     * @param content the content mode to check and run it in, or null for the file's ({@code content:}, else bytes)
     * @throws accelmm.api.ErrnoException {@code EINVAL} naming the file, the line and what was expected
     */
    static WorkloadFile parse(String file, String text, java.util.function.Function<String, String> deviceKind, Content content) {
        return parse(file, text, deviceKind, content, null);
    }

    /**
     * Reads and checks a workload file, its {@code policies:} against {@code registry} (unchecked
     * when it is null).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} naming the file, the line and what was expected
     */
    static WorkloadFile parse(String file, String text, java.util.function.Function<String, String> deviceKind, Content content,
            accelmm.api.policy.Policies registry) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            throw Errno.EINVAL.exception(file + ":" + line + ": not valid YAML or JSON: " + e.getProblem());
        }
        if (root == null) {
            throw error(file, 1, "the file is empty; expected a mapping with 'name' and 'processes'");
        }
        Map<String, Node> top = mapping(file, root, "the workload (a mapping with 'name' and 'processes')",
                List.of("name", "seed", "content", "swap", "policies", "processes"), List.of("name", "processes"));
        PolicyChoices policies = new PolicyChoices();
        if (top.containsKey("policies")) {
            policies = PolicyChoices.parse(file, top.get("policies"), deviceKind, registry);
        }
        if (content == null) {
            content = Content.BYTES;
            if (top.containsKey("content")) {
                String c = string(file, top.get("content"), "'content': bytes or stamps");
                if (!c.equals("bytes") && !c.equals("stamps")) {
                    throw error(file, line(top.get("content")), "'content': bytes or stamps, not '" + c + "'");
                }
                content = Content.parse(c);
            }
        }
        String name = string(file, top.get("name"), "'name': a string");
        long seed = top.containsKey("seed") ? number(file, top.get("seed"), "'seed': a number") : 1;
        String swapDriver = null;
        int after = 50;
        if (top.containsKey("swap")) {
            Map<String, Node> swap = mapping(file, top.get("swap"), "'swap': a mapping with 'driver' and 'after'",
                    List.of("driver", "after"), List.of("driver"));
            String swappable = "'driver': gna, panfrost, habana, xe, gmem, or a policy bundle: policy-classic, policy-uvm";
            swapDriver = string(file, swap.get("driver"), swappable);
            if (!List.of("gna", "panfrost", "habana", "xe", "gmem", "policy-classic", "policy-uvm").contains(swapDriver)) {
                throw error(file, line(swap.get("driver")), swappable + ", not '" + swapDriver + "'");
            }
            if (swap.containsKey("after")) {
                long pct = number(file, swap.get("after"), "'after': a percentage from 0 to 100");
                if (pct < 0 || pct > 100) {
                    throw error(file, line(swap.get("after")), "'after': a percentage from 0 to 100, not " + pct);
                }
                after = (int) pct;
            }
        }
        if (!(top.get("processes") instanceof SequenceNode procs) || procs.getValue().isEmpty()) {
            throw error(file, line(top.get("processes")), "'processes': a list of at least one process");
        }
        List<Proc> processes = new ArrayList<>();
        Set<String> procNames = new HashSet<>();
        for (Node pn : procs.getValue()) {
            Map<String, Node> p = mapping(file, pn, "a process (a mapping with 'name' and 'steps')",
                    List.of("name", "device", "steps"), List.of("name", "steps"));
            String pname = string(file, p.get("name"), "'name': a string");
            if (!procNames.add(pname)) {
                throw error(file, line(p.get("name")), "process names must differ; '" + pname + "' is used twice");
            }
            String device = p.containsKey("device") ? string(file, p.get("device"), "'device': a device name") : null;
            String kind = device == null ? null : deviceKind.apply(device);
            if (device != null && kind == null) {
                throw error(file, line(p.get("device")), "'device': a configured device (see dev:list), not '" + device + "'");
            }
            processes.add(new Proc(pname, device, steps(file, p.get("steps"), kind, deviceKind, content)));
        }
        Map<String, Integer> barriers = Barriers.count(file, processes);
        return new WorkloadFile(file, name, seed, swapDriver, after, processes, content, policies, barriers);
    }

    /** A buffer a step can name: what made it and its size. */
    private record Buf(String kind, long size) {
    }

    private static List<Step> steps(String file, Node node, String kind, java.util.function.Function<String, String> deviceKind,
            Content content) {
        if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw error(file, line(node), "'steps': a list of at least one step");
        }
        List<Step> out = new ArrayList<>();
        steps(file, seq, kind, deviceKind, content, new LinkedHashMap<>(), out);
        return out;
    }

    /**
     * Reads the steps of {@code seq} into {@code out}, a {@code repeat: {times: N, steps: [...]}}
     * unrolled (each copy checked against the buffers as they are then).
     */
    private static void steps(String file, SequenceNode seq, String kind, java.util.function.Function<String, String> deviceKind,
            Content content, Map<String, Buf> buffers, List<Step> out) {
        for (Node sn : seq.getValue()) {
            if (!(sn instanceof MappingNode m) || m.getValue().size() != 1) {
                throw error(file, line(sn), "a step: a mapping with one key, one of " + String.join(", ", STEPS.keySet()) + ", repeat");
            }
            NodeTuple t = m.getValue().get(0);
            String stepKind = string(file, t.getKeyNode(), "a step name");
            if (stepKind.equals("repeat")) {
                Map<String, Node> rep = mapping(file, t.getValueNode(), "'repeat': a mapping with 'times' and 'steps'",
                        List.of("times", "steps"), List.of("times", "steps"));
                long times = number(file, rep.get("times"), "'times': a number from 1 to " + MAX_STEPS);
                if (times < 1 || times > MAX_STEPS) {
                    throw error(file, line(rep.get("times")), "'times': a number from 1 to " + MAX_STEPS + ", not " + times);
                }
                if (!(rep.get("steps") instanceof SequenceNode body) || body.getValue().isEmpty()) {
                    throw error(file, line(rep.get("steps")), "'steps': a list of at least one step");
                }
                for (long i = 0; i < times; i++) {
                    steps(file, body, kind, deviceKind, content, buffers, out);
                    if (out.size() > MAX_STEPS) {
                        throw error(file, line(sn), "at most " + MAX_STEPS + " steps once repeats are unrolled");
                    }
                }
                continue;
            }
            Map<String, String> spec = STEPS.get(stepKind);
            if (spec == null) {
                throw error(file, line(t.getKeyNode()), "a step name, one of " + String.join(", ", STEPS.keySet()) + ", repeat; not '"
                        + stepKind + "'");
            }
            // phase: NAME and barrier: NAME take their one argument bare.
            Map<String, Node> argNodes = spec.keySet().equals(java.util.Set.of("name")) && t.getValueNode() instanceof ScalarNode
                    ? Map.of("name", t.getValueNode())
                    : mapping(file, t.getValueNode(), "the arguments of '" + stepKind + "': " + String.join(", ", spec.keySet()),
                            spec.keySet(), REQUIRED.get(stepKind));
            Map<String, Object> args = new LinkedHashMap<>();
            for (Map.Entry<String, Node> a : argNodes.entrySet()) {
                String type = spec.get(a.getKey());
                Object v = switch (type) {
                    case "size" -> size(file, a.getValue(), "'" + a.getKey() + "': a size (4096, 64k, 2m, 1g, 1t)");
                    case "count" -> {
                        long c = number(file, a.getValue(), "'" + a.getKey() + "': a number from 1 to 1024");
                        if (c < 1 || c > 1024) {
                            throw error(file, line(a.getValue()), "'" + a.getKey() + "': a number from 1 to 1024, not " + c);
                        }
                        yield c;
                    }
                    case "location" -> {
                        String loc = string(file, a.getValue(), "'location': vram or system");
                        if (!loc.equals("vram") && !loc.equals("system")) {
                            throw error(file, line(a.getValue()), "'location': vram or system, not '" + loc + "'");
                        }
                        yield loc;
                    }
                    case "by" -> choice(file, a.getValue(), "by", "cpu", "gpu");
                    case "op" -> choice(file, a.getValue(), "op", "read", "write");
                    case "number" -> number(file, a.getValue(), "'" + a.getKey() + "': a whole number");
                    case "real" -> {
                        Double d = AccessPattern.parseReal(string(file, a.getValue(), "'" + a.getKey() + "': a number"));
                        if (d == null) {
                            throw error(file, line(a.getValue()), "'" + a.getKey() + "': a number");
                        }
                        yield d;
                    }
                    default -> string(file, a.getValue(), "'" + a.getKey() + "': a buffer name");
                };
                args.put(a.getKey(), v);
            }
            Step step = new Step(stepKind, args, line(sn));
            checkStep(file, step, kind, buffers, deviceKind);
            if (content == Content.STAMPS) {
                checkStamps(file, step, buffers);
            }
            out.add(step);
        }
    }

    private static String choice(String file, Node n, String key, String a, String b) {
        String v = string(file, n, "'" + key + "': " + a + " or " + b);
        if (!v.equals(a) && !v.equals(b)) {
            throw error(file, line(n), "'" + key + "': " + a + " or " + b + ", not '" + v + "'");
        }
        return v;
    }

    /** The smallest buffer {@code gna-infer} works in: descriptor, inputs, weights, biases and outputs. */
    static final long GNA_MIN_BUFFER = 64 << 10;

    /** Checks a step against the process's device and the buffers defined so far. */
    private static void checkStep(String file, Step s, String kind, Map<String, Buf> buffers,
            java.util.function.Function<String, String> deviceKind) {
        if (s.kind().equals("habana-share")) {
            if (!"habana".equals(kind)) {
                throw error(file, s.line(), "'habana-share' needs a process whose device is a habana device");
            }
            if (s.size("size", 0) < 4096 || s.size("size", 0) > MAX_OBJECT) {
                throw error(file, s.line(), "'size': from 4k to 256m");
            }
            String peer = s.name("peer");
            String peerKind = deviceKind.apply(peer);
            if (peerKind == null) {
                throw error(file, s.line(), "'peer': a configured device (see dev:list), not '" + peer + "'");
            }
            if (!"habana".equals(peerKind)) {
                throw error(file, s.line(), "'peer': a habana device; " + peer + " is a " + peerKind + " device");
            }
            return;
        }
        switch (s.kind()) {
            case "phase", "barrier" -> {
                if (!s.name("name").matches("[A-Za-z0-9_.-]{1,64}")) {
                    throw error(file, s.line(), "'name': letters, digits, '_', '.' or '-', not '" + s.name("name") + "'");
                }
            }
            case "mmap", "heap" -> {
                long max = s.kind().equals("mmap") ? MAX_BUFFER : MAX_OBJECT;
                if (s.size("size", 0) < 4096 || s.size("size", 0) > max) {
                    throw error(file, s.line(), "'size': from 4k to " + (s.kind().equals("mmap") ? "1t" : "256m"));
                }
                if (buffers.containsKey(s.name("as"))) {
                    throw error(file, s.line(), "'as': a new buffer name; '" + s.name("as") + "' exists");
                }
                if (s.kind().equals("heap") && !"panfrost".equals(kind)) {
                    throw error(file, s.line(), "'heap' needs a process whose device is a panfrost device");
                }
                buffers.put(s.name("as"), new Buf(s.kind(), s.size("size", 0)));
            }
            default -> {
                String buf = s.name(s.args().containsKey("to") ? "to" : s.args().containsKey("from") ? "from" : "buffer");
                Buf b = buffers.get(buf);
                if (b == null) {
                    throw error(file, s.line(), "a buffer defined by an earlier mmap or heap step; '" + buf + "' is not");
                }
                String bufKind = b.kind();
                boolean gpu = s.kind().startsWith("gpu-") || "gpu".equals(s.args().get("by"));
                if (gpu && !(("xe".equals(kind) || "gmem".equals(kind)) && bufKind.equals("mmap")
                        || "panfrost".equals(kind) && bufKind.equals("heap"))) {
                    throw error(file, s.line(), "'" + s.kind() + "'" + (gpu && !s.kind().startsWith("gpu-") ? " by gpu" : "")
                            + " needs an xe or gmem device with an mmap buffer or a panfrost device with a heap buffer");
                }
                if (s.kind().equals("gna-infer")) {
                    if (!"gna".equals(kind) || !bufKind.equals("mmap")) {
                        throw error(file, s.line(), "'gna-infer' needs a gna device and an mmap buffer");
                    }
                    if ((Long) s.args().get("inputs") * (Long) s.args().get("outputs") > GNA_MAX_WEIGHTS) {
                        throw error(file, s.line(), "inputs x outputs of at most " + GNA_MAX_WEIGHTS);
                    }
                    if (b.size() < GNA_MIN_BUFFER) {
                        throw error(file, s.line(), "a buffer of at least 64k for 'gna-infer'; '" + buf + "' has " + b.size() + " bytes");
                    }
                }
                if (s.kind().equals("advise") && !("xe".equals(kind) && bufKind.equals("mmap"))) {
                    throw error(file, s.line(), "'advise' needs an xe device and an mmap buffer");
                }
                if (!gpu && !s.kind().equals("advise") && bufKind.equals("heap")) {
                    throw error(file, s.line(), "'" + s.kind() + "' needs an mmap buffer; '" + buf + "' is a GPU heap");
                }
                if (s.args().containsKey("offset") || s.args().containsKey("length")) {
                    long off = s.size("offset", 0);
                    if (s.args().containsKey("length") && s.size("length", 0) < 1) {
                        throw error(file, s.line(), "'length': at least 1 byte");
                    }
                    long len = s.size("length", b.size() - off);
                    if (off >= b.size() || len > b.size() - off) {
                        throw error(file, s.line(), "'offset' and 'length' inside the " + b.size() + "-byte buffer '" + buf
                                + "'; offset " + off + (s.args().containsKey("length") ? " and length " + len : "") + " are not");
                    }
                }
                if (s.kind().equals("access")) {
                    String why = AccessPattern.check(s, b.size());
                    if (why != null) {
                        throw error(file, s.line(), why);
                    }
                }
                if (s.kind().equals("munmap")) {
                    buffers.remove(buf);
                }
            }
        }
    }

    /**
     * Refuses, in stamps mode, what stamps cannot show: a buffer or a window that is not whole
     * pages. Runs after
     * {@link #checkStep}, so the buffer is known.
     */
    private static void checkStamps(String file, Step s, Map<String, Buf> buffers) {
        String why = switch (s.kind()) {
            case "mmap", "heap" -> s.size("size", 0) % 4096 != 0 ? "'size': whole pages (a multiple of 4k) in stamps mode, not "
                    + s.size("size", 0) : null;
            default -> null;
        };
        if (why == null && (s.args().containsKey("offset") || s.args().containsKey("length"))) {
            long off = s.size("offset", 0);
            Buf b = buffers.get(s.name(s.args().containsKey("to") ? "to" : "from"));
            long len = s.size("length", b == null ? 0 : b.size() - off);
            if (off % 4096 != 0 || len % 4096 != 0) {
                why = "'offset' and 'length' of whole pages (multiples of 4k) in stamps mode, not " + off + " and " + len
                        + ": a stamp stands for a whole page, so a part of one cannot be checked";
            }
        }
        if (why != null) {
            throw error(file, s.line(), why);
        }
    }

    // ---- node helpers -------------------------------------------------------------------------

    static int line(Node n) {
        return n == null ? 1 : n.getStartMark().getLine() + 1;
    }

    static accelmm.api.ErrnoException error(String file, int line, String expected) {
        return Errno.EINVAL.exception(file + ":" + line + ": expected " + expected);
    }

    private static Map<String, Node> mapping(String file, Node n, String what, java.util.Collection<String> allowed,
            java.util.Collection<String> required) {
        if (!(n instanceof MappingNode m)) {
            throw error(file, line(n), what);
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = string(file, t.getKeyNode(), "a key");
            if (!allowed.contains(key)) {
                throw error(file, line(t.getKeyNode()), "one of " + String.join(", ", allowed) + "; not '" + key + "'");
            }
            if (out.containsKey(key)) {
                throw error(file, line(t.getKeyNode()), "each key once; '" + key + "' is given twice");
            }
            out.put(key, t.getValueNode());
        }
        for (String r : required) {
            if (!out.containsKey(r)) {
                throw error(file, line(n), "'" + r + "' in " + what);
            }
        }
        return out;
    }

    static String string(String file, Node n, String what) {
        if (!(n instanceof ScalarNode s) || s.getValue().isEmpty()) {
            throw error(file, line(n), what);
        }
        return s.getValue();
    }

    private static long number(String file, Node n, String what) {
        try {
            return Long.parseLong(string(file, n, what));
        } catch (NumberFormatException e) {
            throw error(file, line(n), what);
        }
    }

    private static long size(String file, Node n, String what) {
        String s = string(file, n, what).toLowerCase(Locale.ROOT);
        int shift = s.endsWith("k") ? 10 : s.endsWith("m") ? 20 : s.endsWith("g") ? 30 : s.endsWith("t") ? 40 : 0;
        try {
            long v = Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1));
            if (v < 0 || v > (1L << 40) >> shift) {
                throw error(file, line(n), what + ", not " + s);
            }
            return v << shift;
        } catch (NumberFormatException e) {
            throw error(file, line(n), what + ", not '" + s + "'");
        }
    }
}
