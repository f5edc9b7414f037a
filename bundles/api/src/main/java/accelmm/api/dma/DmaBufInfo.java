package accelmm.api.dma;

/**
 * A snapshot of a dma-buf for listings ({@code /sys/kernel/debug/dma_buf/bufinfo}).
 *
 * @param inode the buffer's unique number
 * @param exporter the exporter's name
 * @param size the size in bytes
 * @param fileRefs references to the buffer's file (descriptors and importers' gets)
 * @param attachments the devices attached
 * @param pins attachments holding a pin
 * @param mappings mappings held
 */
public record DmaBufInfo(long inode, String exporter, long size, long fileRefs, java.util.List<String> attachments,
        int pins, int mappings) {
    /** Copies the list. */
    public DmaBufInfo {
        attachments = java.util.List.copyOf(attachments);
    }
}
