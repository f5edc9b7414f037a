package accelmm.shell.host;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when what the deploy folder held at start-up has taken effect: every {@code .cfg} file is a
 * configuration that the components reading its PID have received, and every jar is an installed
 * bundle that is not starting. Then it registers a service with the property
 * {@value #SETTLED_PROPERTY}{@code =true}, which the launcher waits for before {@code run} and
 * {@code exec} begin, so that a command never races the user's configuration.
 *
 * <p>Concurrency: one daemon thread polls until the folder has settled or {@link #TIMEOUT_MS}
 * has passed (then it logs what is still pending and registers the service anyway).
 */
@Component(service = {}, immediate = true)
public final class DeploySettle {
    /** The service property the launcher waits for. */
    public static final String SETTLED_PROPERTY = "accelmm.deploy.settled";
    /** How long the folder may take to settle. */
    public static final long TIMEOUT_MS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(DeploySettle.class);
    private static final long POLL_MS = 25;

    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private final ServiceComponentRuntime scr;
    private final Thread poller;
    private volatile ServiceRegistration<DeploySettle> registration;

    /** Starts watching. */
    @Activate
    public DeploySettle(BundleContext context, @Reference ConfigurationAdmin cm, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.cm = cm;
        this.scr = scr;
        this.poller = new Thread(this::await, "accelmm-deploy-settle");
        poller.setDaemon(true);
        poller.start();
    }

    /** Stops watching and withdraws the service. */
    @Deactivate
    public void deactivate() throws InterruptedException {
        poller.interrupt();
        poller.join(5_000);
        ServiceRegistration<DeploySettle> r = registration;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }

    private void await() {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        int quiet = 0;
        List<String> pending = List.of();
        try {
            while (quiet < 3 && System.currentTimeMillis() < deadline) {
                pending = pending();
                quiet = pending.isEmpty() ? quiet + 1 : 0;
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            return;
        } catch (RuntimeException e) {
            LOG.warn("could not tell whether the deploy folder has settled: {}", e.toString());
        }
        if (!pending.isEmpty()) {
            LOG.warn("the deploy folder did not take effect within {} ms; still pending: {}", TIMEOUT_MS,
                    String.join("; ", pending));
        }
        try {
            registration = context.registerService(DeploySettle.class, this,
                    new java.util.Hashtable<>(Map.of(SETTLED_PROPERTY, Boolean.TRUE)));
        } catch (IllegalStateException e) {
            // the bundle is stopping
        }
    }

    /** What has not taken effect yet, one sentence each; empty once the folder has settled. */
    List<String> pending() {
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.endsWith(".cfg") || name.endsWith(".config")) {
                configuration(f, out);
            } else if (name.endsWith(".jar")) {
                bundle(f, out);
            }
        }
        return out;
    }

    private void configuration(Path file, List<String> out) {
        String uri = file.toUri().toString();
        Configuration[] found;
        try {
            found = cm.listConfigurations("(felix.fileinstall.filename=" + escape(uri) + ")");
        } catch (IOException | InvalidSyntaxException e) {
            out.add(file + ": " + e.getMessage());
            return;
        }
        if (found == null || found.length == 0) {
            found = byFileName(file);
        }
        if (found == null || found.length == 0) {
            out.add(file + " is not a configuration yet");
            return;
        }
        for (Configuration c : found) {
            String consumer = c.getFactoryPid() != null ? c.getFactoryPid() : c.getPid();
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                continue;
            }
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                if ("ignore".equals(d.configurationPolicy) || !Arrays.asList(d.configurationPid).contains(consumer)
                        || !scr.isComponentEnabled(d)) {
                    continue;
                }
                boolean applied = false;
                for (ComponentConfigurationDTO cc : scr.getComponentConfigurationDTOs(d)) {
                    if (carries(cc.properties, c.getPid(), props)) {
                        applied = true;
                    }
                }
                if (!applied) {
                    out.add(file + " has not reached " + d.name + " yet");
                }
            }
        }
    }

    /** FileInstall may record the file as a path or as a URI of another spelling. */
    private Configuration[] byFileName(Path file) {
        try {
            Configuration[] all = cm.listConfigurations("(felix.fileinstall.filename=*)");
            if (all == null) {
                return null;
            }
            List<Configuration> out = new ArrayList<>();
            for (Configuration c : all) {
                Object v = c.getProperties() == null ? null : c.getProperties().get("felix.fileinstall.filename");
                if (v != null && samePath(v.toString(), file)) {
                    out.add(c);
                }
            }
            return out.toArray(new Configuration[0]);
        } catch (IOException | InvalidSyntaxException e) {
            return null;
        }
    }

    private static boolean carries(Map<String, Object> component, String pid, Dictionary<String, Object> config) {
        Object p = component.get("service.pid");
        boolean hasPid = p instanceof String s ? s.equals(pid)
                : p instanceof String[] a ? Arrays.asList(a).contains(pid)
                : p instanceof java.util.Collection<?> col && col.contains(pid);
        if (!hasPid) {
            return false;
        }
        for (Enumeration<String> keys = config.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            if (k.equals("service.pid") || k.equals("service.factoryPid")) {
                continue;
            }
            if (!Objects.deepEquals(config.get(k), component.get(k))) {
                return false;
            }
        }
        return true;
    }

    private void bundle(Path jar, List<String> out) {
        for (Bundle b : context.getBundles()) {
            if (samePath(b.getLocation(), jar)) {
                if (b.getState() == Bundle.STARTING || b.getState() == Bundle.STOPPING) {
                    out.add(jar + " is starting");
                }
                return;
            }
        }
        out.add(jar + " is not installed yet");
    }

    private static boolean samePath(String location, Path file) {
        try {
            Path p = location.startsWith("file:") ? Path.of(java.net.URI.create(location)) : new File(location).toPath();
            return p.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String escape(String value) {
        StringBuilder b = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
