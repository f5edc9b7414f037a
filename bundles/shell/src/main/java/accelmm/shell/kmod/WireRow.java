package accelmm.shell.kmod;

import java.util.List;

import accelmm.shell.format.TableRow;

/**
 * One wire or service link of a module: what it is and the module on the other end.
 *
 * <p>Concurrency: immutable.
 *
 * @param kind {@code imports}, {@code exports}, {@code provides} or {@code uses}
 * @param what the package (with version) or service interfaces
 * @param peer the module on the other end, as {@code name [id]}, or empty
 */
public record WireRow(String kind, String what, String peer) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("KIND", "WHAT", "PEER");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(kind, what, peer);
    }
}
