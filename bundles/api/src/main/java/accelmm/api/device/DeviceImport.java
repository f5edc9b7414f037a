package accelmm.api.device;

import org.osgi.annotation.versioning.ProviderType;

import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.SgTable;

/**
 * A dma-buf a device imported ({@link DeviceContext#importDmaBuf}): a reference on the buffer, a
 * static attachment of the device's DMA device and one bidirectional mapping, held until
 * {@link #release()} or the file's close.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface DeviceImport {
    /** Returns the buffer. */
    DmaBuf dmaBuf();

    /** Returns the attachment. */
    DmaBufAttachment attachment();

    /** Returns the mapping: DMA addresses of the importing device. */
    SgTable table();

    /**
     * Returns the physical address of each page the mapping covers, in order, as the device's
     * IOMMU translates its DMA addresses ({@code iommu_iova_to_phys}): what a GPU page table that
     * bypasses the IOMMU maps.
     */
    long[] pages();

    /**
     * Unmaps, detaches and drops the reference; a second call does nothing.
     *
     * <p>Context: may call the exporter's driver; must not hold the exporting device's lock.
     */
    void release();
}
