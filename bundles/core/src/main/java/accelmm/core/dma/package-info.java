/**
 * DMA: devices behind IOMMUs with IOVA allocators and DMA engines, scatter-gather tables, the PCI
 * topology (peer-to-peer distances), dma-bufs with attachments, reservation locks and move
 * notification, dma-buf heaps, vgem, and static imports.
 *
 * <h2>Locking</h2>
 * A dma-buf's attachments and mappings are guarded by its reservation lock, which sits outside any
 * device lock (an exporter's callbacks may take their device's lock under it). A DMA device maps and
 * unmaps under its own monitor and moves bytes outside it.
 *
 * <h2>State it owns</h2>
 * IOVA ranges and IOMMU entries, live dma-bufs and their attachments, heap buffers' pages.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * DmaDevice d = dma.createDevice("npu0", 1 << 16, "rc0/npu0");
 * SgTable mapped = d.mapSg(dma.sgFromPages(pfns, 0, size, d.maxSegSize()), DmaDirection.BIDIRECTIONAL);
 * }</pre>
 */
package accelmm.core.dma;
