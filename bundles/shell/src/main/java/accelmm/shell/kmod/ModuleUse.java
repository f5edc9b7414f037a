package accelmm.shell.kmod;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import accelmm.api.device.DeviceInfo;
import accelmm.api.device.Devices;
import accelmm.api.mm.MemoryManager;

/**
 * Whether a module may be removed or replaced, as {@code rmmod} decides it: the host's own
 * modules (framework, Gogo, SCR, ConfigAdmin, FileInstall, logging, the shell) are never removed
 * without {@code --force} ({@code EPERM}); a module in use is not ({@code EBUSY}), where in use
 * means what the kernel's module reference count means here: modules wired to its packages, the
 * core's live processes, a driver's open device files.
 *
 * <p>Concurrency: reads the framework and the core's services on each call.
 */
final class ModuleUse {
    /** Symbolic-name prefixes of the host's own modules. */
    static final List<String> HOST = List.of("org.apache.felix.", "org.jline", "slf4j.", "org.apache.aries.spifly",
            "org.objectweb.asm", "org.osgi.", "org.yaml.snakeyaml", "accelmm.shell");

    private final BundleContext context;

    ModuleUse(BundleContext context) {
        this.context = context;
    }

    /** Whether {@code b} is one of the modules the host itself runs on. */
    static boolean host(Bundle b) {
        String bsn = b.getSymbolicName();
        if (b.getBundleId() == 0 || bsn == null) {
            return b.getBundleId() == 0;
        }
        for (String p : HOST) {
            if (bsn.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What holds {@code b}, one phrase each; empty when it is free to go.
     *
     * @param replacing whether the module is to be replaced by a new revision (a reload): then
     *     neither the modules wired to it (refreshed onto the new one) nor a driver's open files (its
     *     devices keep every object across the swap) count, only the core's live processes
     */
    List<String> users(Bundle b, boolean replacing) {
        List<String> out = new ArrayList<>();
        if (!replacing) {
            TreeSet<String> wired = new TreeSet<>();
            BundleWiring w = b.adapt(BundleWiring.class);
            if (w != null) {
                for (BundleWire wire : w.getProvidedWires(null)) {
                    Bundle other = wire.getRequirer().getBundle();
                    if (other.getBundleId() != b.getBundleId() && other.getState() == Bundle.ACTIVE) {
                        wired.add(other.getSymbolicName());
                    }
                }
            }
            if (!wired.isEmpty()) {
                out.add("modules " + String.join(", ", wired));
            }
        }
        if ("accelmm.core".equals(b.getSymbolicName())) {
            int processes = withService(MemoryManager.class, m -> m.processes().size(), 0);
            if (processes > 0) {
                out.add(processes + " live process" + (processes == 1 ? "" : "es"));
            }
        }
        List<String> files = replacing ? List.of() : withService(Devices.class, d -> openFiles(d, b.getSymbolicName()), List.of());
        if (!files.isEmpty()) {
            out.add("open files on " + String.join(", ", files));
        }
        return out;
    }

    private static List<String> openFiles(Devices devices, String bsn) {
        List<String> out = new ArrayList<>();
        for (DeviceInfo d : devices.list()) {
            if (d.openFiles() > 0 && bsn != null && bsn.equals(d.driver())) {
                out.add(d.name() + " (" + d.openFiles() + ")");
            }
        }
        return out;
    }

    private <S, R> R withService(Class<S> type, java.util.function.Function<S, R> f, R absent) {
        ServiceReference<S> ref = context.getServiceReference(type);
        if (ref == null) {
            return absent;
        }
        S s = context.getService(ref);
        try {
            return s == null ? absent : f.apply(s);
        } catch (RuntimeException e) {
            return absent;
        } finally {
            context.ungetService(ref);
        }
    }
}
