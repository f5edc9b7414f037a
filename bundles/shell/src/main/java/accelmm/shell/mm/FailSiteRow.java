package accelmm.shell.mm;

import java.util.List;

import accelmm.api.mm.FaultSiteInfo;
import accelmm.shell.format.TableRow;

/**
 * A fault-injection site as {@code mm:fail} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param site the site
 */
public record FailSiteRow(FaultSiteInfo site) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("SITE", "ARMED", "CALLS", "FAILURES");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(site.name(), site.armed() ? "yes" : "no", site.calls(), site.failures());
    }
}
