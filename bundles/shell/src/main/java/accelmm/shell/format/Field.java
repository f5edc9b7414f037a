package accelmm.shell.format;

import java.util.List;

import accelmm.shell.format.TableRow;

/**
 * A name and a value, for header listings.
 *
 * <p>Concurrency: immutable.
 *
 * @param name the field
 * @param value its value
 */
public record Field(String name, String value) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("FIELD", "VALUE");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(name, value);
    }
}
