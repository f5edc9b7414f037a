package accelmm.launcher;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.osgi.framework.BundleException;

/**
 * The {@code accelmm} program: boots the host and opens the shell or runs commands.
 *
 * <p>Layout next to the launcher jar: {@code lib/} (the framework), {@code bundles/} (the host),
 * {@code drivers/} (driver bundles). The deploy folder defaults to {@code deploy/} under the
 * directory named by the system property {@code accelmm.home}, else under the working directory.
 *
 * <p>Concurrency: single-threaded; the framework runs its own threads.
 */
public final class Main {
    private Main() {
    }

    /** Runs the program and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * Runs the program.
     *
     * @return 0 on success, 1 if a command failed or the host did not start, 2 for bad usage
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Path home = Path.of(System.getProperty("accelmm.home", ".")).toAbsolutePath().normalize();
        Path base = launcherDir();
        Options options;
        List<Path> drivers;
        try {
            options = Options.parse(args, home.resolve("deploy"));
            if (options.mode().equals("help")) {
                out.print(Options.USAGE);
                return 0;
            }
            drivers = new DriverCatalog(base.resolve("drivers")).select(options.drivers());
        } catch (Options.UsageException e) {
            err.println("accelmm: " + e.getMessage());
            err.println("Run 'accelmm --help' for usage.");
            return 2;
        } catch (java.io.IOException e) {
            err.println("accelmm: cannot read the drivers folder: " + e.getMessage());
            return 1;
        }
        if (options.lockdep()) {
            System.setProperty("accelmm.lockdep", "true");
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", options.logLevel());
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        DriverCatalog.Selection selection = DriverCatalog.withoutDeployed(drivers, options.deploy());
        selection.notes().forEach(n -> err.println("accelmm: " + n));
        drivers = selection.drivers();
        boolean interactive = options.mode().equals("shell");
        HostLog log = HostLog.install();
        // After the log is in place: java.util.logging's console handler keeps the stream it starts with.
        JulLevel.apply(options.logLevel());
        try (Host host = Host.start(base.resolve("bundles"), drivers, options.deploy(), interactive)) {
            host.framework().getBundleContext().registerService(java.util.function.Supplier.class, log,
                    new java.util.Hashtable<>(java.util.Map.of(HostLog.PROPERTY, Boolean.TRUE)));
            host.awaitReady(Host.READY_TIMEOUT_MS);
            if (interactive) {
                err.printf("accelmm ready in %d ms: %d modules, drivers: %s, deploy folder: %s%n"
                        + "Type 'help' for commands, 'help NAME' for one, 'exit' to leave.%n",
                        host.elapsedMillis(), host.framework().getBundleContext().getBundles().length,
                        drivers.isEmpty() ? "none" : drivers.stream()
                                .map(p -> p.getFileName().toString())
                                .map(n -> n.substring(HostLayout.DRIVER_PREFIX.length(), n.length() - 4))
                                .toList(),
                        options.deploy());
                host.openShell();
                host.awaitStop();
                return 0;
            }
            if (!options.mode().equals("exec")) {
                return runOne(host, options.mode(), options.commands(), in, out, err);
            }
            String script = options.commands().equals("-")
                    ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : options.commands();
            return exec(host, script, in, out, err);
        } catch (BundleException | IllegalStateException e) {
            err.println("accelmm: the host did not start: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("accelmm: " + e);
            return 1;
        } finally {
            log.close();
        }
    }

    private static int exec(Host host, String script, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        List<String> statements;
        try {
            statements = Statements.split(script);
        } catch (IllegalArgumentException e) {
            err.println("accelmm exec: " + e.getMessage());
            return 2;
        }
        int failed = 0;
        try (GogoSession session = new GogoSession(host.framework().getBundleContext(), in, out, err)) {
            for (String statement : statements) {
                try {
                    Object result = session.execute(statement);
                    if (result != null) {
                        out.println(session.format(result));
                    }
                } catch (Exception e) {
                    failed++;
                    String msg = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                    err.println("error: " + statement + ": " + msg);
                }
            }
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    /**
     * Runs the one command of {@code run} or {@code torture}: its result on standard output; an
     * error as {@code accelmm MODE: ERRNO: sentence}; exit 1 when the work ran and failed
     * ({@code EIO}, {@code EINTR}), 2 when it could not start (any other errno: a bad workload, file
     * or value, a device without a driver).
     */
    private static int runOne(Host host, String mode, String command, InputStream in, PrintStream out, PrintStream err)
            throws Exception {
        try (GogoSession session = new GogoSession(host.framework().getBundleContext(), in, out, err)) {
            Object result = session.execute(command);
            if (result != null) {
                out.println(session.format(result));
            }
            out.flush();
            return 0;
        } catch (Exception e) {
            out.flush();
            String errno = errnoOf(e);
            err.println("accelmm " + mode + ": " + (e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
            return errno == null || errno.equals("EIO") || errno.equals("EINTR") ? 1 : 2;
        }
    }

    /** The errno name of an {@code accelmm.api.ErrnoException} (loaded by the api bundle), else null. */
    static String errnoOf(Throwable e) {
        try {
            Object errno = e.getClass().getMethod("errno").invoke(e);
            return errno instanceof Enum<?> en ? en.name() : null;
        } catch (ReflectiveOperationException | RuntimeException x) {
            return null;
        }
    }

    private static Path launcherDir() {
        String override = System.getProperty("accelmm.launcher.dir");
        if (override != null) {
            return Path.of(override).toAbsolutePath();
        }
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
