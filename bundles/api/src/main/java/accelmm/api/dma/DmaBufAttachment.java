package accelmm.api.dma;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A device's attachment to a dma-buf ({@code struct dma_buf_attachment}).
 *
 * <p>Concurrency: thread-safe; {@link #clearPeer2peer} is for the exporter's attach operation.
 */
@ProviderType
public interface DmaBufAttachment {
    /** Returns the buffer. */
    DmaBuf dmaBuf();

    /** Returns the importing device. */
    DmaDevice device();

    /** Returns true if the importer handles memory without pages (peer device memory). */
    boolean peer2peer();

    /** Clears {@link #peer2peer()}: the exporter found the devices cannot reach each other. */
    void clearPeer2peer();

    /** Returns true for a dynamic importer (one with {@code move_notify}). */
    boolean dynamic();

    /** Returns the importer's private object, or null. */
    Object importerPriv();

    /** Returns true while the buffer is pinned for this attachment. */
    boolean pinned();

    /** Returns true once the attachment is detached. */
    boolean detached();
}
