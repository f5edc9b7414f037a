package accelmm.shell.kmod;

import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.startlevel.BundleStartLevel;

import accelmm.shell.format.TableRow;

/**
 * One module (bundle) as {@code lsmod} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param id the bundle id
 * @param state INSTALLED, RESOLVED, STARTING, STOPPING, ACTIVE or UNINSTALLED
 * @param level the start level
 * @param name the symbolic name
 * @param version the bundle version
 */
public record ModuleRow(long id, String state, int level, String name, String version) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("ID", "STATE", "LEVEL", "NAME", "VERSION");

    /** Describes a bundle as it is now. */
    public static ModuleRow of(Bundle b) {
        BundleStartLevel sl = b.getState() == Bundle.UNINSTALLED ? null : b.adapt(BundleStartLevel.class);
        return new ModuleRow(b.getBundleId(), stateName(b.getState()), sl == null ? 0 : sl.getStartLevel(),
                String.valueOf(b.getSymbolicName()), b.getVersion().toString());
    }

    /** Returns the name of an OSGi bundle state constant. */
    public static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN(" + state + ")";
        };
    }

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(id, state, level, name, version);
    }
}
