/**
 * DMA: scatter-gather tables ({@link accelmm.api.dma.SgTable}) built from pages with segment limits,
 * DMA-only tables for device memory, DMA devices behind IOMMUs with the PCI topology between them
 * ({@link accelmm.api.dma.Dma}), and dma-buf sharing ({@link accelmm.api.dma.DmaBuf}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package accelmm.api.dma;
