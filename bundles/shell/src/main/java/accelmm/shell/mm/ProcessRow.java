package accelmm.shell.mm;

import java.util.List;

import accelmm.api.mm.ProcessInfo;
import accelmm.shell.format.TableRow;

/**
 * A process as {@code mm:ps} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param info the process
 */
public record ProcessRow(ProcessInfo info) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("PID", "NAME", "VMAS", "VIRT_KB", "RSS_PAGES");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(info.pid(), info.name(), info.mappings(), info.virtualBytes() / 1024, info.residentPages());
    }
}
