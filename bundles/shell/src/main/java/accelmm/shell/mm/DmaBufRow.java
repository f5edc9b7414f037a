package accelmm.shell.mm;

import java.util.List;

import accelmm.api.dma.DmaBufInfo;
import accelmm.shell.format.TableRow;

/**
 * A dma-buf as {@code mm:dmabuf} lists it.
 *
 * <p>Concurrency: immutable.
 *
 * @param info the buffer
 */
public record DmaBufRow(DmaBufInfo info) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("INODE", "EXPORTER", "SIZE", "REFS", "PINS", "MAPS", "ATTACHED");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(info.inode(), info.exporter(), info.size(), info.fileRefs(), info.pins(), info.mappings(),
                info.attachments().isEmpty() ? "-" : String.join(", ", info.attachments()));
    }
}
