package accelmm.shell.mm;

import java.util.List;

import accelmm.api.idr.RegistryInfo;
import accelmm.shell.format.TableRow;

/**
 * One ID registry as {@code mm:idr} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param info the registry
 */
public record RegistryRow(RegistryInfo info) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("OWNER", "NAME", "KIND", "BASE", "COUNT");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(info.owner(), info.name(), info.kind(), info.base(), info.count());
    }
}
