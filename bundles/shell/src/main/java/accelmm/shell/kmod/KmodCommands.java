package accelmm.shell.kmod;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Requirement;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import accelmm.api.cli.Usage;
import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.shell.format.Field;
import accelmm.shell.format.Report;
import accelmm.shell.format.Rows;
import accelmm.shell.format.Section;

/**
 * Module lifecycle commands, named after the kernel's module tools: {@code kmod:lsmod},
 * {@code insmod}, {@code rmmod}, {@code modinfo}, {@code reload}, {@code pending}.
 *
 * <p>As in Linux, {@code rmmod} refuses a module in use ({@code EBUSY}: modules wired to it, live
 * processes, open device files) and the host's own modules ({@code EPERM}) unless forced. Unlike
 * Linux, a driver can be replaced while in use: the core keeps every piece of state, so
 * {@code reload} swaps a driver under running processes.
 *
 * <p>Concurrency: each command runs on the caller's thread; the framework serializes lifecycle
 * operations.
 */
@Component(service = KmodCommands.class, property = {
    "osgi.command.scope=kmod",
    "osgi.command.function=lsmod",
    "osgi.command.function=insmod",
    "osgi.command.function=rmmod",
    "osgi.command.function=modinfo",
    "osgi.command.function=reload",
    "osgi.command.function=refresh",
    "osgi.command.function=pending"
})
public final class KmodCommands {
    /** How long {@code reload} waits for a refresh to finish. */
    static final long REFRESH_TIMEOUT_SECONDS = 60;

    private final BundleContext context;

    /** Creates the commands over the shell bundle's context. */
    @Activate
    public KmodCommands(BundleContext context) {
        this.context = context;
    }

    private FrameworkWiring wiring() {
        return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
    }

    /** Lists every module. */
    @Descriptor("list modules (bundles) with id, state, start level, name and version")
    public List<ModuleRow> lsmod() {
        return rows(List.of(context.getBundles()));
    }

    /**
     * Installs and starts a module. If it cannot start it is uninstalled again, so a failed insmod
     * leaves nothing behind.
     *
     * @throws ErrnoException {@code ENOENT} for a missing file; {@code EISDIR} for a directory;
     *     {@code EIO} for a URL that cannot be fetched; {@code ENOEXEC} for a file that is not a
     *     bundle jar; {@code EEXIST} if the same module (location, or name and version) is loaded
     *     already; {@code EINVAL} if it cannot resolve or start, saying why
     */
    @Descriptor("install and start a module from a jar file or URL")
    public ModuleRow insmod(@Descriptor("path of a bundle jar, or a URL (file:, http:, https:, jar:)") String location)
            throws BundleException {
        ModuleJar jar = ModuleJar.read(location);
        for (Bundle b : context.getBundles()) {
            if (b.getLocation().equals(jar.location())) {
                throw Errno.EEXIST.exception(location + " is already loaded as module " + b.getBundleId());
            }
            if (jar.symbolicName().equals(b.getSymbolicName()) && jar.version().equals(b.getVersion())) {
                throw Errno.EEXIST.exception("module " + jar.symbolicName() + " " + jar.version() + " is already loaded as module "
                        + b.getBundleId() + "; 'kmod:reload " + jar.symbolicName() + " " + location + "' replaces it");
            }
        }
        Bundle b;
        try {
            b = context.installBundle(jar.location(), jar.open());
        } catch (BundleException e) {
            throw Errno.EINVAL.exception("cannot install " + location + ": " + e.getMessage());
        }
        try {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        } catch (BundleException e) {
            b.uninstall();
            throw Errno.EINVAL.exception("cannot start " + b.getSymbolicName() + ": " + e.getMessage());
        }
        return ModuleRow.of(b);
    }

    /**
     * Stops and uninstalls a module; its packages stay wired until a refresh (see {@link #pending}).
     *
     * @throws ErrnoException {@code ENOENT} for an unknown module; {@code EPERM} for the framework,
     *     and without {@code --force} for the host's own modules; {@code EBUSY} without
     *     {@code --force} for a module in use (modules wired to it, live processes, open files)
     */
    @Descriptor("stop and uninstall a module (EBUSY while it is in use, EPERM for the host's own, unless --force)")
    public ModuleRow rmmod(
            @Descriptor("remove it even if it is in use or one of the host's own modules") @Parameter(names = {"-f", "--force"},
                    presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("module id or symbolic name") String module) throws BundleException {
        Bundle b = find(module);
        if (b.getBundleId() == 0) {
            throw Errno.EPERM.exception("the framework cannot be removed");
        }
        mayChange(b, force, false, "removed");
        b.uninstall();
        return ModuleRow.of(b);
    }

    /** Refuses to remove or replace the host's own modules and modules in use, unless forced. */
    private void mayChange(Bundle b, boolean force, boolean replacing, String what) {
        if (force) {
            return;
        }
        if (ModuleUse.host(b)) {
            throw Errno.EPERM.exception(b.getSymbolicName() + " is one of the host's own modules and is not " + what
                    + " without --force (the shell or the host may stop working)");
        }
        List<String> users = new ModuleUse(context).users(b, replacing);
        if (!users.isEmpty()) {
            throw Errno.EBUSY.exception(b.getSymbolicName() + " is in use by " + String.join("; ", users)
                    + "; --force " + (replacing ? "reloads" : "removes") + " it anyway");
        }
    }

    /**
     * Describes a module: headers, services it provides and uses, and its package wiring.
     *
     * @throws ErrnoException {@code ENOENT} for an unknown module
     */
    @Descriptor("show a module's headers, services provided and used, and wiring")
    public Report modinfo(@Descriptor("module id or symbolic name") String module) {
        Bundle b = find(module);
        List<Field> headers = new ArrayList<>();
        headers.add(new Field("id", Long.toString(b.getBundleId())));
        headers.add(new Field("name", String.valueOf(b.getSymbolicName())));
        headers.add(new Field("version", b.getVersion().toString()));
        headers.add(new Field("state", ModuleRow.stateName(b.getState())));
        headers.add(new Field("location", b.getLocation()));
        for (String h : List.of(Constants.BUNDLE_NAME, Constants.BUNDLE_DESCRIPTION, Constants.BUNDLE_VENDOR,
                "Bundle-License", Constants.BUNDLE_ACTIVATOR, "Service-Component")) {
            String v = b.getHeaders().get(h);
            if (v != null) {
                headers.add(new Field(h, v));
            }
        }
        List<WireRow> links = new ArrayList<>();
        BundleWiring w = b.adapt(BundleWiring.class);
        if (w != null) {
            for (BundleWire wire : w.getRequiredWires("osgi.wiring.package")) {
                links.add(new WireRow("imports", packageOf(wire.getCapability().getAttributes()),
                        peer(wire.getProvider().getBundle())));
            }
            for (BundleWire wire : w.getProvidedWires("osgi.wiring.package")) {
                links.add(new WireRow("exports", packageOf(wire.getCapability().getAttributes()),
                        peer(wire.getRequirer().getBundle())));
            }
        }
        if (b.getState() == Bundle.INSTALLED) {
            links.addAll(unresolved(b));
        }
        ServiceReference<?>[] provided = b.getRegisteredServices();
        if (provided != null) {
            for (ServiceReference<?> ref : provided) {
                links.add(new WireRow("provides", classes(ref), usersOf(ref)));
            }
        }
        ServiceReference<?>[] used = b.getServicesInUse();
        if (used != null) {
            for (ServiceReference<?> ref : used) {
                links.add(new WireRow("uses", classes(ref), peer(ref.getBundle())));
            }
        }
        List<Section> sections = new ArrayList<>();
        sections.add(new Section("module", null, headers));
        sections.add(new Section("wiring and services", null, links));
        return new Report(sections);
    }

    /** Why a module is not resolved: each mandatory requirement that no module provides, like Karaf's bundle:diag. */
    private List<WireRow> unresolved(Bundle b) {
        List<WireRow> out = new ArrayList<>();
        BundleRevision rev = b.adapt(BundleRevision.class);
        if (rev == null) {
            return out;
        }
        for (Requirement req : rev.getRequirements(null)) {
            if ("optional".equals(req.getDirectives().get("resolution"))) {
                continue;
            }
            if (wiring().findProviders(req).isEmpty()) {
                String filter = req.getDirectives().getOrDefault("filter", "");
                out.add(new WireRow("missing", req.getNamespace() + " " + filter, "no module provides it: " + b.getSymbolicName()
                        + " cannot resolve"));
            }
        }
        return out;
    }

    private static String packageOf(java.util.Map<String, Object> attrs) {
        return attrs.get("osgi.wiring.package") + ";version=" + attrs.get("version");
    }

    private static String classes(ServiceReference<?> ref) {
        return String.join(",", (String[]) ref.getProperty(Constants.OBJECTCLASS)) + " [" + ref.getProperty(
                Constants.SERVICE_ID) + "]";
    }

    private static String usersOf(ServiceReference<?> ref) {
        Bundle[] users = ref.getUsingBundles();
        if (users == null) {
            return "";
        }
        List<String> names = new ArrayList<>();
        for (Bundle u : users) {
            names.add(peer(u));
        }
        return String.join(", ", names);
    }

    private static String peer(Bundle b) {
        return b == null ? "" : b.getSymbolicName() + " [" + b.getBundleId() + "]";
    }

    /**
     * Updates a module (from its own location, or from a new jar) and refreshes the modules wired to
     * it, waiting for the refresh to finish. With {@code --dry-run} nothing changes: the result lists
     * the dependency closure a refresh would restart. A driver is replaced under the processes that
     * use it; the core is not, while processes live, unless forced.
     *
     * @return the modules the refresh restarted (or would restart), as they are afterwards
     * @throws ErrnoException {@code ENOENT} for an unknown module or file; {@code EPERM} for the
     *     framework, and without {@code --force} for the host's own modules; {@code EBUSY} for the
     *     core while processes live; {@code EINVAL} for a jar of another module, or if the update
     *     failed (the old revision is kept); {@code ENOEXEC} for a file that is not a bundle jar;
     *     {@code ETIMEDOUT} if the refresh did not finish in time
     */
    @Descriptor("update a module and refresh what is wired to it")
    public List<ModuleRow> reload(
            @Descriptor("only list the modules a refresh would restart") @Parameter(names = {"-n", "--dry-run"},
                    presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("reload the core with live processes, or one of the host's own modules") @Parameter(names = {"-f", "--force"},
                    presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("module id or symbolic name") String module) throws Exception {
        return reload(dryRun, force, module, null);
    }

    /** {@link #reload(boolean, boolean, String)} from a new jar. */
    @Descriptor("update a module from a new jar or URL and refresh what is wired to it")
    public List<ModuleRow> reload(
            @Descriptor("only list the modules a refresh would restart") @Parameter(names = {"-n", "--dry-run"},
                    presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("reload the core with live processes, or one of the host's own modules") @Parameter(names = {"-f", "--force"},
                    presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("module id or symbolic name") String module,
            @Descriptor("the new jar file or URL (the same module: its Bundle-SymbolicName must match)") String from)
            throws Exception {
        Bundle b = find(module);
        if (b.getBundleId() == 0) {
            throw Errno.EPERM.exception("the framework cannot be reloaded from the shell");
        }
        ModuleJar jar = from == null ? null : ModuleJar.read(from);
        if (jar != null && !jar.symbolicName().equals(b.getSymbolicName())) {
            throw Errno.EINVAL.exception(from + " is module " + jar.symbolicName() + ", not " + b.getSymbolicName()
                    + "; 'kmod:insmod " + from + "' loads it beside");
        }
        FrameworkWiring fw = wiring();
        Collection<Bundle> closure = fw.getDependencyClosure(Set.of(b));
        if (dryRun) {
            return rows(closure);
        }
        mayChange(b, force, true, "reloaded");
        try {
            if (jar == null) {
                b.update();
            } else {
                b.update(jar.open());
            }
        } catch (BundleException e) {
            throw Errno.EINVAL.exception("cannot update " + b.getSymbolicName() + ": " + e.getMessage());
        }
        return refresh(Set.of(b));
    }

    /**
     * Refreshes modules: those given, or every module removed or updated but still wired.
     *
     * @return the modules the refresh restarted, as they are afterwards
     * @throws ErrnoException {@code ENOENT} for an unknown module; {@code EINTR} if interrupted;
     *     {@code ETIMEDOUT} if the refresh did not finish in time
     */
    @Descriptor("refresh modules: rewire those removed or updated (kmod:pending), or the ones named, and restart what depends on them")
    public List<ModuleRow> refresh(@Descriptor("module ids or symbolic names; none for every pending one") String... modules)
            throws Exception {
        List<Bundle> targets = new ArrayList<>();
        for (String m : modules) {
            targets.add(find(m));
        }
        return refresh(targets.isEmpty() ? wiring().getRemovalPendingBundles() : targets);
    }

    private List<ModuleRow> refresh(Collection<Bundle> targets) throws Exception {
        FrameworkWiring fw = wiring();
        Collection<Bundle> closure = targets.isEmpty() ? List.of() : fw.getDependencyClosure(targets);
        CompletableFuture<FrameworkEvent> done = new CompletableFuture<>();
        fw.refreshBundles(targets, done::complete);
        try {
            FrameworkEvent ev = done.get(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (ev.getType() == FrameworkEvent.ERROR) {
                throw Errno.EIO.exception("refresh failed: " + ev.getThrowable());
            }
        } catch (TimeoutException e) {
            throw Errno.ETIMEDOUT.exception("refresh did not finish in " + REFRESH_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.EINTR.exception("interrupted while the refresh runs; it goes on in the background");
        }
        List<Bundle> after = new ArrayList<>();
        for (Bundle b : closure) {
            if (b.getState() != Bundle.UNINSTALLED) {
                after.add(b);
            }
        }
        return rows(after);
    }

    /** Lists modules that were updated or removed but are still wired to others. */
    @Descriptor("list modules removed or updated but still wired (waiting for a refresh)")
    public List<ModuleRow> pending() {
        return rows(wiring().getRemovalPendingBundles());
    }

    private static Rows<ModuleRow> rows(Collection<Bundle> bundles) {
        Rows<ModuleRow> rows = new Rows<>(ModuleRow.COLUMNS);
        for (Bundle b : bundles) {
            rows.add(ModuleRow.of(b));
        }
        rows.sort(Comparator.comparingLong(ModuleRow::id));
        return rows;
    }

    /**
     * Finds a module by id or symbolic name; with several versions of one name, the newest.
     *
     * @throws ErrnoException {@code ENOENT} if none matches
     */
    Bundle find(String module) {
        if (module == null || module.isBlank()) {
            throw Errno.EINVAL.exception("no module given");
        }
        if (module.chars().allMatch(Character::isDigit)) {
            Bundle b = context.getBundle(Long.parseLong(module));
            if (b == null) {
                throw Errno.ENOENT.exception("no module with id " + module);
            }
            return b;
        }
        Bundle best = null;
        for (Bundle b : context.getBundles()) {
            if (module.equals(b.getSymbolicName()) && (best == null || b.getVersion().compareTo(best.getVersion()) > 0)) {
                best = b;
            }
        }
        if (best == null) {
            throw Errno.ENOENT.exception("no module named " + module);
        }
        return best;
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "kmod", args);
    }
}
