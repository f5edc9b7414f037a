package accelmm.shell.format;

import java.util.List;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;

/**
 * The Gogo converter that prints accelmm results: a list of {@link TableRow}s as a table, one row as
 * {@code column: value} lines, a row inside another listing as one line, and {@link Section}s one
 * after the other.
 *
 * <p>Concurrency: stateless.
 */
@Component(service = Converter.class)
public final class TableConverter implements Converter {
    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof TableRow row) {
            return level == INSPECT ? Tables.record(row) : Tables.line(row);
        }
        if (target instanceof Section section) {
            return section.render();
        }
        if (target instanceof Report report) {
            return report.render();
        }
        if (target instanceof Rows<?> rows) {
            return rows.isEmpty() ? Tables.header(rows.columns()) + "\n(none)" : Tables.table(rows);
        }
        if (target instanceof List<?> list && !list.isEmpty() && allRowsOfOneType(list)) {
            @SuppressWarnings("unchecked")
            List<? extends TableRow> rows = (List<? extends TableRow>) list;
            return Tables.table(rows);
        }
        return null;
    }

    private static boolean allRowsOfOneType(List<?> list) {
        Class<?> type = list.get(0).getClass();
        if (!(list.get(0) instanceof TableRow)) {
            return false;
        }
        for (Object o : list) {
            if (o == null || o.getClass() != type) {
                return false;
            }
        }
        return true;
    }
}
