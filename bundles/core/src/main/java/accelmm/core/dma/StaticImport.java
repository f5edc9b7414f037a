package accelmm.core.dma;

import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;

/**
 * A buffer imported the way {@code drm_gem_prime_import_dev} does it: a reference, a static
 * attachment of one DMA device and one bidirectional mapping, made together and let go together.
 * vgem and the core's device imports both hold one.
 *
 * <p>Concurrency: immutable; {@link #release()} is the holder's to call once.
 *
 * @param buf the buffer, with the reference the import owns
 * @param attachment the device's attachment
 * @param table the mapping, in the device's DMA addresses
 */
public record StaticImport(DmaBuf buf, DmaBufAttachment attachment, SgTable table) {
    /**
     * Attaches {@code device} to a buffer the caller holds a reference on and maps it; on failure
     * the reference is dropped and nothing stays attached.
     *
     * @throws accelmm.api.ErrnoException the exporter's error for the attachment or the mapping
     */
    public static StaticImport attach(DmaBuf buf, DmaDevice device) {
        DmaBufAttachment a = null;
        try {
            a = buf.attach(device);
            return new StaticImport(buf, a, buf.map(a, DmaDirection.BIDIRECTIONAL));
        } catch (RuntimeException e) {
            if (a != null) {
                buf.detach(a);
            }
            buf.put();
            throw e;
        }
    }

    /** Unmaps, detaches and drops the reference. */
    public void release() {
        try {
            buf.unmap(attachment, table, DmaDirection.BIDIRECTIONAL);
            buf.detach(attachment);
        } finally {
            buf.put();
        }
    }
}
