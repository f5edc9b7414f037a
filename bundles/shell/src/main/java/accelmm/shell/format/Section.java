package accelmm.shell.format;

import java.util.List;

/**
 * A titled part of a larger report (e.g. {@code modinfo}): a record row or a table of rows.
 *
 * <p>Concurrency: immutable.
 *
 * @param title the heading
 * @param record a single row shown as {@code column: value} lines, or null
 * @param rows rows shown as a table, or null
 */
public record Section(String title, TableRow record, List<? extends TableRow> rows) {
    /** Renders the heading and the body. */
    public String render() {
        String body = record != null ? Tables.record(record) : Tables.table(rows);
        return title + "\n" + body.indent(2).stripTrailing();
    }

    @Override
    public String toString() {
        return render();
    }
}
