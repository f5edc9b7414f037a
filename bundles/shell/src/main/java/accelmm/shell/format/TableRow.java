package accelmm.shell.format;

import java.util.List;

/**
 * A command result that reads as one row of a table. A list of rows of one type prints as a table
 * with a header; a single row prints as {@code column: value} lines.
 *
 * <p>Concurrency: implementations are immutable records.
 */
public interface TableRow {
    /** Returns the column names; the same for every row of a type. */
    List<String> columns();

    /** Returns the cells, one per column. */
    List<Object> cells();
}
