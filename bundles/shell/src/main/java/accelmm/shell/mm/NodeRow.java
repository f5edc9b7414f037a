package accelmm.shell.mm;

import java.util.List;

import accelmm.api.mm.NodeInfo;
import accelmm.shell.format.TableRow;

/**
 * A memory node as {@code mm:stats} lists it; sizes in KiB.
 *
 * <p>Concurrency: immutable.
 *
 * @param node the node
 */
public record NodeRow(NodeInfo node) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("NODE", "NAME", "KIND", "SIZE_KB", "USED_KB", "PEAK_KB", "BACKED_KB");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(node.id(), node.name(), node.kind(), node.size() / 1024, node.used() / 1024, node.peak() / 1024,
                node.backed() / 1024);
    }
}
