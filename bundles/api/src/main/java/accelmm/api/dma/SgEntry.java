package accelmm.api.dma;

/**
 * One entry of a scatter-gather table: a run of physically contiguous memory.
 *
 * <p>Concurrency: immutable.
 *
 * @param pfn the first page frame, or -1 in a DMA-only table (no pages behind it)
 * @param offset the byte offset into the first page
 * @param length the bytes covered
 * @param dmaAddress the device-visible address, or -1 before DMA mapping
 */
public record SgEntry(long pfn, int offset, long length, long dmaAddress) {
}
