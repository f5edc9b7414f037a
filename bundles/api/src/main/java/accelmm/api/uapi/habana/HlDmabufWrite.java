package accelmm.api.uapi.habana;

/**
 * The importer: attaches this device to the dma-buf behind {@code fd}, maps it and writes {@code data} at
 * {@code offset} by DMA. Replies null.
 *
 * @param fd the dma-buf descriptor in the calling process
 * @param offset bytes into the buffer
 * @param data the bytes
 */
public record HlDmabufWrite(int fd, long offset, byte[] data) implements HlIoctl<Void> {
}
