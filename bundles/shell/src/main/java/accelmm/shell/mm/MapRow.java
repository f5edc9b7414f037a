package accelmm.shell.mm;

import java.util.List;

import accelmm.api.mm.Prot;
import accelmm.api.mm.VmaInfo;
import accelmm.shell.format.TableRow;

/**
 * A mapping as {@code mm:maps} lists it, in the style of {@code /proc/PID/maps} with residency.
 *
 * <p>Concurrency: immutable.
 *
 * @param vma the mapping
 */
public record MapRow(VmaInfo vma) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("RANGE", "PERMS", "OFFSET", "KB", "RSS_PAGES", "NAME");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(String.format("%012x-%012x", vma.start(), vma.end()),
                Prot.toString(vma.prot()) + (vma.shared() ? "s" : "p"), String.format("%08x", vma.offset()),
                vma.length() / 1024, vma.residentPages(), vma.name());
    }
}
