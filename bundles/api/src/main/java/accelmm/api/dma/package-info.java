/**
 * DMA: scatter-gather tables ({@link accelmm.api.dma.SgTable}) built from pages with segment limits,
 * and DMA-only tables for device memory.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package accelmm.api.dma;
