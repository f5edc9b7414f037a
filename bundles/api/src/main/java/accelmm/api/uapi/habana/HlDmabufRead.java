package accelmm.api.uapi.habana;

/**
 * The importer: reads {@code length} bytes at {@code offset} of the dma-buf behind {@code fd} by DMA. Replies
 * the bytes.
 *
 * @param fd the dma-buf descriptor in the calling process
 * @param offset bytes into the buffer
 * @param length how many bytes
 */
public record HlDmabufRead(int fd, long offset, int length) implements HlIoctl<byte[]> {
}
