package accelmm.shell.mm;

import java.util.List;

import accelmm.api.idr.RegistryEntry;
import accelmm.shell.format.TableRow;

/**
 * One allocated id as {@code mm:idr NAME} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param entry the entry
 */
public record EntryRow(RegistryEntry entry) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("ID", "VALUE");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(entry.id(), entry.reserved() ? "(reserved)" : entry.value());
    }
}
