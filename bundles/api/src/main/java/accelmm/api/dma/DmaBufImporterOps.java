package accelmm.api.dma;

import java.util.function.Consumer;

/**
 * A dynamic importer's operations ({@code struct dma_buf_attach_ops}).
 *
 * <p>Concurrency: {@code moveNotify} is called under the buffer's reservation lock.
 *
 * @param allowPeer2peer the importer can use peer device memory without pages behind it
 * @param moveNotify drops the importer's mappings of an attachment: the exporter is moving the
 *     memory; the importer maps again when it needs it
 */
public record DmaBufImporterOps(boolean allowPeer2peer, Consumer<DmaBufAttachment> moveNotify) {
}
