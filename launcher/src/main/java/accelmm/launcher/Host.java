package accelmm.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * A running Felix framework with the host's bundles: the infrastructure, the core, the shell, the
 * chosen drivers and FileInstall on the deploy folder. Its cache lives in a fresh temporary folder
 * that is removed on {@link #close()}, so every start is clean.
 *
 * <p>Concurrency: used by the launcher's main thread.
 */
public final class Host implements AutoCloseable {
    /** How long {@link #awaitReady} waits by default. */
    public static final long READY_TIMEOUT_MS = 60_000;

    /** The name Gogo's JLine activator gives the interactive shell's thread. */
    static final String SHELL_THREAD = "Gogo shell";

    private final Framework framework;
    private final Path cache;
    private final long startNanos;

    private Host(Framework framework, Path cache, long startNanos) {
        this.framework = framework;
        this.cache = cache;
        this.startNanos = startNanos;
    }

    /**
     * Starts the framework up to the deploy level (everything but the interactive shell).
     *
     * @param bundles the folder of the host bundles
     * @param drivers driver jars to install and start
     * @param deploy the folder FileInstall watches; created if missing
     * @param interactive whether the JLine shell bundles are installed (started by {@link #openShell})
     * @throws BundleException if a bundle cannot be installed
     */
    public static Host start(Path bundles, List<Path> drivers, Path deploy, boolean interactive)
            throws BundleException, IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(deploy);
        Path cache = Files.createTempDirectory("accelmm-felix-");
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, cache.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(HostLayout.LEVEL_DEPLOY));
        config.put("felix.fileinstall.dir", deploy.toString());
        config.put("felix.fileinstall.poll", "500");
        config.put("felix.fileinstall.noInitialDelay", "true");
        config.put("felix.fileinstall.log.level", "2");
        // FileInstall's messages go to the log (standard error), never into a command's output.
        config.put("felix.fileinstall.log.default", "jul");
        config.put("felix.fileinstall.bundles.startTransient", "false");
        // A user's .cfg files are read, never written back.
        config.put("felix.fileinstall.enableConfigSave", "false");
        // The shell does not stop the framework itself (gosh would print "stopping framework"):
        // the launcher stops it when the shell's thread ends (exit, Ctrl-D).
        config.put("gosh.args", "--login --noshutdown");
        config.put("gosh.home", bundles.getParent().toString());
        System.setProperty("gosh.home", bundles.getParent().toString());
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework fw = factory.newFramework(config);
        fw.init();
        Host host = new Host(fw, cache, t0);
        try {
            BundleContext ctx = fw.getBundleContext();
            for (HostBundle hb : HostLayout.BUNDLES) {
                if (hb.interactiveOnly() && !interactive) {
                    continue;
                }
                host.install(ctx, bundles.resolve(hb.file()), hb.startLevel());
            }
            for (Path driver : drivers) {
                host.install(ctx, driver, HostLayout.LEVEL_DRIVERS);
            }
            fw.start();
        } catch (BundleException | RuntimeException e) {
            host.close();
            throw e;
        }
        return host;
    }

    private void install(BundleContext ctx, Path jar, int level) throws BundleException {
        if (!Files.isRegularFile(jar)) {
            throw new BundleException("missing bundle " + jar + " (build with: mvn -DskipTests package)");
        }
        Bundle b = ctx.installBundle(jar.toUri().toString());
        b.adapt(BundleStartLevel.class).setStartLevel(level);
        if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
            b.start();
        }
    }

    /** Returns the framework. */
    public Framework framework() {
        return framework;
    }

    /** Returns the milliseconds since {@link #start} began. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * Waits until every command of {@link HostLayout#READY_COMMANDS} and the Gogo command
     * processor are registered.
     *
     * @throws IllegalStateException on time-out, naming what is missing and which bundles are not
     *     active
     */
    public void awaitReady(long timeoutMs) throws InterruptedException {
        BundleContext ctx = framework.getBundleContext();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            List<String> missing = missing(ctx);
            if (missing.isEmpty()) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                List<String> inactive = new ArrayList<>();
                for (Bundle b : ctx.getBundles()) {
                    if (b.getState() != Bundle.ACTIVE && b.getHeaders().get(Constants.FRAGMENT_HOST) == null
                            && b.adapt(BundleStartLevel.class).getStartLevel() <= HostLayout.LEVEL_DEPLOY) {
                        inactive.add(b.getSymbolicName());
                    }
                }
                throw new IllegalStateException("the host did not become ready in " + timeoutMs + " ms; missing "
                        + missing + (inactive.isEmpty() ? "" : "; bundles not active: " + inactive));
            }
            Thread.sleep(20);
        }
    }

    private static List<String> missing(BundleContext ctx) {
        List<String> missing = new ArrayList<>();
        try {
            if (ctx.getServiceReferences((String) null, "(" + HostLayout.DEPLOY_SETTLED + "=true)") == null) {
                missing.add("the deploy folder's configurations and bundles");
            }
            if (ctx.getServiceReferences("org.apache.felix.service.command.CommandProcessor", null) == null) {
                missing.add("CommandProcessor");
            }
            for (String command : HostLayout.READY_COMMANDS) {
                int colon = command.indexOf(':');
                String filter = "(&(osgi.command.scope=" + command.substring(0, colon) + ")(osgi.command.function="
                        + command.substring(colon + 1) + "))";
                if (ctx.getServiceReferences((String) null, filter) == null) {
                    missing.add(command);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return missing;
    }

    /** Raises the start level so the interactive shell starts. */
    public void openShell() {
        framework.adapt(FrameworkStartLevel.class).setStartLevel(HostLayout.LEVEL_SHELL);
    }

    /**
     * Waits until the framework stops ({@code stop 0}) or the interactive shell ends ({@code exit},
     * Ctrl-D); the caller then closes the host.
     */
    public void awaitStop() throws InterruptedException {
        boolean seen = false;
        while (framework.waitForStop(100).getType() == org.osgi.framework.FrameworkEvent.WAIT_TIMEDOUT) {
            boolean alive = shellThreadAlive();
            if (seen && !alive) {
                return;
            }
            seen |= alive;
        }
    }

    /** Whether Gogo's interactive shell thread (named {@value #SHELL_THREAD} by its activator) runs. */
    private static boolean shellThreadAlive() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(SHELL_THREAD) && t.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** Stops the framework and deletes its cache. */
    @Override
    public void close() {
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
                framework.stop();
                framework.waitForStop(30_000);
            }
        } catch (BundleException e) {
            System.err.println("accelmm: stopping the framework failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(cache);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("accelmm: could not remove the framework cache " + root + ": " + e.getMessage());
        }
    }
}
