package accelmm.api.device;

import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.notifier.NotifierRange;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device driver, registered by a driver bundle as a whiteboard service with the property
 * {@link #KIND}. The core binds it to every configured device of that kind; when it goes (an update
 * or an uninstall) the core quiesces the devices and binds the replacement to the same state.
 *
 * <p>A driver keeps nothing of its own across {@link #unbind}: everything that must outlive it is
 * core state reached through {@link DeviceContext} and {@link DeviceFile}, holding api types or plain
 * data.
 *
 * <p>Concurrency: calls arrive on many threads at once; never during {@link #bind} or
 * {@link #unbind} of the same device. Callbacks ({@link #invalidate}, the dma-buf operations) may
 * arrive while an ioctl runs.
 */
@ConsumerType
public interface DeviceDriver {
    /** The service property naming the device kind the driver serves. */
    String KIND = "accelmm.device.kind";

    /**
     * The driver takes a device: the first time, or after a swap with the state the previous
     * driver left.
     */
    default void bind(DeviceContext device) {
    }

    /** The driver lets a device go; in-flight calls have drained. */
    default void unbind(DeviceContext device) {
    }

    /**
     * A process opens the device.
     *
     * @throws accelmm.api.ErrnoException to refuse the open
     */
    default void open(DeviceFile file) {
    }

    /**
     * Handles one ioctl: a request record of the driver's uapi package.
     *
     * @return the reply record (or a boxed number)
     * @throws accelmm.api.ErrnoException the kernel's errno for the request; {@code ENOTTY} for a
     *     request the driver does not know
     */
    Object ioctl(DeviceFile file, Object request);

    /** The last descriptor of a file closed: release what it holds before the core tidies up. */
    default void release(DeviceFile file) {
    }

    /**
     * A notifier inserted with {@link DeviceContext#insertNotifier} is invalidated: tear down the
     * device's view of the range, under the driver lock, and record {@code seq}.
     *
     * @return false to refuse a non-blockable invalidation
     */
    default boolean invalidate(DeviceNotifier notifier, NotifierRange range, long seq) {
        notifier.setSeq(seq);
        return true;
    }

    /**
     * A CPU touched a device-private page of {@link DeviceContext#devicePagemap}: migrate it (and any
     * neighbours) back to system memory, as {@code dev_pagemap_ops.migrate_to_ram}.
     *
     * @return true on success; false fails the CPU access ({@code SIGBUS})
     */
    default boolean migrateToRam(DeviceContext device, accelmm.api.mm.AddressSpace mm, long addr) {
        return false;
    }

    /**
     * A device attaches to a buffer exported with {@link DeviceContext#exportDmaBuf}.
     *
     * @throws accelmm.api.ErrnoException to refuse the attachment
     */
    default void dmaBufAttach(DeviceExport export, DmaBufAttachment attachment) {
    }

    /**
     * Maps an exported buffer for an attachment.
     *
     * @throws accelmm.api.ErrnoException the exporter's errno
     */
    default SgTable dmaBufMap(DeviceExport export, DmaBufAttachment attachment, DmaDirection dir) {
        throw accelmm.api.Errno.EOPNOTSUPP.exception("the driver does not map dma-bufs");
    }

    /** Unmaps a table from {@link #dmaBufMap}. */
    default void dmaBufUnmap(DeviceExport export, DmaBufAttachment attachment, SgTable table, DmaDirection dir) {
    }

    /** The last reference to an exported buffer went. */
    default void dmaBufRelease(DeviceExport export) {
    }
}
