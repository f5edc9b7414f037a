package accelmm.core.device;

import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceExport;
import accelmm.api.dma.DmaBuf;

/**
 * A dma-buf exported by a device; revoked by an unplug.
 *
 * <p>Concurrency: {@link #revoked} is written under the buffer's reservation lock.
 */
final class DeviceExportImpl implements DeviceExport {
    private final DeviceImpl device;
    private final long cookie;
    final long generation;
    volatile DmaBuf buf;
    volatile boolean revoked;
    /** The shmem object behind the export, for {@link DeviceImpl#exportShmem}; else null. */
    volatile ShmemExport shmem;

    DeviceExportImpl(DeviceImpl device, long cookie, long generation) {
        this.device = device;
        this.cookie = cookie;
        this.generation = generation;
    }

    @Override
    public DmaBuf dmaBuf() {
        return buf;
    }

    @Override
    public DeviceContext device() {
        return device;
    }

    @Override
    public long cookie() {
        return cookie;
    }

    @Override
    public void objectFreed() {
        ShmemExport s = shmem;
        if (s != null) {
            s.objectFreed();
        }
    }

    @Override
    public boolean revoked() {
        return revoked;
    }
}
