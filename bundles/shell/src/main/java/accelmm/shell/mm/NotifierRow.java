package accelmm.shell.mm;

import java.util.List;

import accelmm.api.notifier.NotifierInfo;
import accelmm.shell.format.TableRow;

/**
 * An interval notifier as {@code mm:notifiers} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param info the notifier
 */
public record NotifierRow(NotifierInfo info) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("START", "LAST", "SEQ");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(String.format("%012x", info.start()), String.format("%012x", info.last()), info.seq());
    }
}
