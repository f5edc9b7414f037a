package accelmm.api.device;

import accelmm.api.dma.DmaBuf;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A dma-buf a device exported ({@link DeviceContext#exportDmaBuf}): its operations go to whichever
 * driver is bound; an unplug revokes it (importers get {@code move_notify}; later maps answer
 * {@code ENODEV}).
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface DeviceExport {
    /** Returns the buffer. */
    DmaBuf dmaBuf();

    /** Returns the exporting device. */
    DeviceContext device();

    /** Returns the driver's key for what it exports (a handle, an address, ...). */
    long cookie();

    /**
     * The driver freed the object behind a {@link DeviceContext#exportShmem} export (its last
     * handle went): the export closes the shmem once the buffer is released too. Nothing for other
     * exports; a second call does nothing.
     */
    void objectFreed();

    /** Returns true once revoked by an unplug. */
    boolean revoked();
}
