package accelmm.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed command line of {@code accelmm}.
 *
 * <p>Concurrency: immutable.
 *
 * @param mode {@code shell}, {@code exec}, {@code run} or {@code help}
 * @param drivers the {@code --drivers} value: names, {@code all} or {@code none}
 * @param deploy the folder FileInstall watches
 * @param logLevel the SLF4J level for every bundle
 * @param commands the script given to {@code exec} ({@code -} reads standard input)
 * @param lockdep whether the lock-order checker runs (always for {@code torture})
 */
public record Options(String mode, List<String> drivers, Path deploy, String logLevel, String commands, boolean lockdep) {
    /** The usage text of {@code accelmm --help}. */
    public static final String USAGE = """
            accelmm - a simulated, Linux-style memory manager for accelerators, hosted in Apache Felix.

            Usage:
              accelmm shell [OPTIONS]              open the interactive Gogo shell (history, tab completion)
              accelmm exec  [OPTIONS] 'CMD; CMD'   run shell commands without a terminal, print their
                                                   results and exit (non-zero if any command failed);
                                                   '-' reads the commands from standard input
              accelmm run   [OPTIONS] [--workload NAME|FILE] [--json FILE|-] [--seed N] [--content bytes|stamps]
                            [--policy DEVICE:KIND=NAME]... [--trace FILE]
                                                   run a workload (default: demo, every driver at
                                                   once with a hot-swap; or a workload file, see
                                                   workloads/README.md) and print what the memory
                                                   system did on standard output; --json also
                                                   writes it as JSON ('-': JSON on standard output,
                                                   the table on standard error). Exit 1 if a data
                                                   check or a step failed, 2 if the workload, its
                                                   file or a device it needs is not right;
                                                   --content stamps keeps a 64-bit stamp a page
                                                   instead of its bytes (built-in workloads and files);
                                                   --policy chooses a device's eviction, prefetch or
                                                   thrashing policy (xe0:prefetch=uvm-tree) or sets a
                                                   parameter (xe0:prefetch.threshold=60); repeatable;
                                                   --trace writes the run's simulated-time trace as
                                                   Chrome/Perfetto trace-event JSON
              accelmm torture [OPTIONS] [--seconds N] [--seed S] [--threads T] [--swap-every MS] [--fail PCT]
                                                   many processes make random concurrent calls on every
                                                   driver while driver and policy bundles are updated,
                                                   or removed and reinstalled within the grace period,
                                                   devices change memory policies, and
                                                   allocations fail by injection (PCT percent); every
                                                   byte is checked, a watchdog fails the run on a hang,
                                                   the lock-order checker is on. Defaults: 30 s, seed 1,
                                                   8 threads, a swap every 200 ms, no injection.
                                                   Ends with one line 'torture: ... PASS|FAIL'
              accelmm help | --help                show this text

            Options:
              --drivers LIST   driver bundles to start: comma-separated names, 'all' (default) or 'none'
              --deploy DIR     folder watched for bundles and .cfg files (default: ./deploy); dropping a jar
                               installs it, overwriting updates it, deleting uninstalls it
              --log LEVEL      log level of every bundle: error, warn (default), info, debug or trace
              --lockdep        check the order of every lock the host takes and report inversions
                               (as -Daccelmm.lockdep=true in ACCELMM_JAVA_OPTS; always on in torture)

            In the shell, 'help' lists every command with a line each, 'help SCOPE' one scope, 'help CMD'
            or 'CMD --help' one command in full. Command scopes:
              kmod   module lifecycle: lsmod, insmod, rmmod [--force], modinfo, reload [--dry-run]
                     [--force], refresh, pending (EBUSY for a module in use, EPERM for the host's own)
              mm     the core memory manager: ps, maps, stats, check, fail (fault injection), idr,
                     notifiers, dma, dmabuf, pt; spawn, kill, fork, mmap, munmap, mprotect, mremap,
                     populate, write, read (the system calls, by hand)
              dev    devices and their drivers: list, info, stats, open, close (a device file
                     for a process, whose descriptor the driver scopes take)
              policy memory policies: list (kind, name, bundle, devices using it), set DEVICE KIND
                     NAME [PARAM=VALUE...] (takes effect at once), stats DEVICE
              gna    the GNA driver: map, unmap, score, wait, info, devices, counters
                     (each driver bundle brings its own scope with its uapi's ioctls)
              habana the Habana Labs driver: alloc, free, map, map_host, unmap, export_dmabuf,
                     write, read, dmabuf_read, devices, counters
              panfrost  the Panfrost driver: create_bo, free_bo, get_bo_offset, mmap_bo, madvise,
                     wait_bo, submit, devices, counters
              xe     the Xe SVM driver: vm_create, vm_destroy, vm_bind, madvise, prefetch,
                     bo_create, bo_bind, bo_close, exec, devices, counters
              gmem   the GMEM framework and NPU driver: devices, spaces, table, attach, run, hot,
                     counters
              workload  the built-in workloads: list, run
              torture   the torture run: run, swaplatency
              log    the host's log: display, tail, set LEVEL
              config the configurations and their deploy/ files: list, edit, property-set,
                     property-delete
              help   a line per command, a scope, or one command

            Examples:
              accelmm run
              accelmm run --workload xe --json report.json --seed 7
              accelmm run --workload workloads/svm-and-heap.yaml
              accelmm shell --drivers none
              accelmm torture --seconds 600 --swap-every 200 --fail 1
              accelmm exec 'kmod:lsmod; mm:idr'
              accelmm exec 'mm:spawn demo; mm:mmap 1 8k; mm:maps 1; mm:stats'
              echo 'kmod:modinfo accelmm.core' | accelmm exec -

            Exit status: 0 on success; 1 if a command failed, a data check or a workload step failed, or
            the host did not start; 2 for bad usage: an unknown command or option, a bad value, a
            workload or workload file that is not right, a device the workload needs without a driver.
            """;

    private static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    /**
     * Parses the arguments.
     *
     * @throws UsageException for anything that is not valid, with a message that says why
     */
    public static Options parse(String[] args, Path defaultDeploy) {
        if (args.length == 0) {
            throw new UsageException("no command given");
        }
        String mode = args[0];
        if (mode.equals("--help") || mode.equals("-h") || mode.equals("help")) {
            return new Options("help", List.of("all"), defaultDeploy, "warn", null, false);
        }
        if (!List.of("shell", "exec", "run", "torture").contains(mode)) {
            throw new UsageException("unknown command '" + mode + "'");
        }
        List<String> drivers = List.of("all");
        Path deploy = defaultDeploy;
        String log = "warn";
        String workload = "demo";
        String json = null;
        String seed = null;
        String content = null;
        List<String> policies = new ArrayList<>();
        String trace = null;
        boolean lockdep = mode.equals("torture");
        List<String> torture = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return new Options("help", drivers, deploy, log, null, false);
                }
                case "--drivers" -> drivers = splitDrivers(value(args, ++i, a));
                case "--workload" -> workload = runOnly(mode, a, value(args, ++i, a));
                case "--json" -> {
                    String j = runOnly(mode, a, value(args, ++i, a));
                    json = j.equals("-") ? "-" : Path.of(j).toAbsolutePath().toString();
                }
                case "--content" -> {
                    content = runOnly(mode, a, value(args, ++i, a));
                    if (!content.equals("bytes") && !content.equals("stamps")) {
                        throw new UsageException("--content takes bytes or stamps, not '" + content + "'");
                    }
                }
                case "--trace" -> trace = Path.of(runOnly(mode, a, value(args, ++i, a))).toAbsolutePath().toString();
                case "--policy" -> {
                    String p = runOnly(mode, a, value(args, ++i, a));
                    if (!p.matches("[A-Za-z][A-Za-z0-9_.-]*:(eviction|prefetch|thrashing)(\\.[a-z0-9_]+)?=[A-Za-z0-9_.-]+")) {
                        throw new UsageException("--policy takes DEVICE:KIND=NAME or DEVICE:KIND.PARAM=VALUE, KIND one of "
                                + "eviction, prefetch, thrashing (xe0:prefetch=uvm-tree), not '" + p + "'");
                    }
                    policies.add(p);
                }
                case "--seed" -> {
                    seed = value(args, ++i, a);
                    if (!mode.equals("torture")) {
                        runOnly(mode, a, seed);
                    }
                    number(a, seed, Long.MIN_VALUE, Long.MAX_VALUE);
                }
                case "--seconds", "--threads", "--swap-every", "--fail" -> {
                    String v = value(args, ++i, a);
                    if (!mode.equals("torture")) {
                        throw new UsageException(a + " belongs to 'accelmm torture'");
                    }
                    switch (a) {
                        case "--seconds" -> number(a, v, 1, 86_400);
                        case "--threads" -> number(a, v, 1, 256);
                        case "--swap-every" -> number(a, v, 0, Long.MAX_VALUE);
                        default -> number(a, v, 0, 100);
                    }
                    torture.add(a + " " + v);
                }
                case "--lockdep" -> lockdep = true;
                case "--deploy" -> deploy = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--log" -> {
                    log = value(args, ++i, a).toLowerCase(java.util.Locale.ROOT);
                    if (!LEVELS.contains(log)) {
                        throw new UsageException("--log takes one of " + String.join(", ", LEVELS) + ", not '" + log + "'");
                    }
                }
                default -> {
                    if (a.startsWith("--drivers=")) {
                        drivers = splitDrivers(a.substring("--drivers=".length()));
                    } else if (a.startsWith("--") && a.length() > 2) {
                        throw new UsageException("unknown option '" + a + "'");
                    } else {
                        rest.add(a);
                    }
                }
            }
        }
        String commands = null;
        if (mode.equals("exec")) {
            if (rest.size() != 1) {
                throw new UsageException("exec takes one argument: the commands, e.g. 'kmod:lsmod; mm:idr'");
            }
            commands = rest.get(0);
        } else if (!rest.isEmpty()) {
            throw new UsageException("unexpected argument '" + rest.get(0) + "'");
        }
        if (mode.equals("run")) {
            if (!workload.matches("[a-z0-9]+")) {
                Path file = Path.of(workload).toAbsolutePath();
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new UsageException("--workload takes a built-in workload (demo, gna, panfrost, habana, xe, gmem) or a workload file; "
                            + file + " is neither");
                }
                workload = "\"" + file.toString().replace("\\", "/") + "\"";
            }
            commands = "workload:run" + (seed == null ? "" : " --seed " + seed) + (content == null ? "" : " --content " + content)
                    + (policies.isEmpty() ? "" : " --policy " + String.join(",", policies))
                    + (trace == null ? "" : " --trace \"" + trace.replace("\\", "/") + "\"")
                    + (json == null ? "" : " --json \"" + json.replace("\\", "/") + "\"") + " " + workload;
        }
        if (mode.equals("torture")) {
            commands = "torture:run" + (seed == null ? "" : " --seed " + seed)
                    + (torture.isEmpty() ? "" : " " + String.join(" ", torture));
        }
        return new Options(mode, drivers, deploy, log, commands, lockdep);
    }

    /** Checks that an option's value is a whole number in [min, max]. */
    private static void number(String option, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes a number, not '" + value + "'");
        }
        if (v < min || v > max) {
            throw new UsageException(option + " takes " + (max == Long.MAX_VALUE ? min + " or more" : min + " to " + max) + ", not " + v);
        }
    }

    private static String runOnly(String mode, String option, String value) {
        if (!mode.equals("run")) {
            throw new UsageException(option + " belongs to 'accelmm run'");
        }
        return value;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--") || args[i].isEmpty()) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static List<String> splitDrivers(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        if (out.isEmpty()) {
            throw new UsageException("--drivers needs a name, 'all' or 'none'");
        }
        return out;
    }

    /** A command-line mistake: print the message and the usage, exit 2. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception with what was wrong. */
        public UsageException(String message) {
            super(message);
        }
    }
}
