package accelmm.shell.format;

import java.util.ArrayList;
import java.util.List;

/**
 * A command result that is a list of rows and knows its columns, so that an empty result still
 * prints as a header with {@code (none)} under it.
 *
 * <p>Concurrency: not thread-safe; built and returned by one command.
 *
 * @param <T> the row type
 */
public final class Rows<T extends TableRow> extends ArrayList<T> {
    private static final long serialVersionUID = 1L;

    private final List<String> columns;

    /** Creates an empty result with the given columns. */
    public Rows(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    /** Returns the columns. */
    public List<String> columns() {
        return columns;
    }
}
