package accelmm.shell.mm;

import java.util.List;

import accelmm.shell.format.TableRow;

/**
 * One counter as {@code mm:stats} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param name the counter
 * @param value its value
 */
public record CounterRow(String name, long value) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("COUNTER", "VALUE");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(name, value);
    }
}
