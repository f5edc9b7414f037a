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
 * arrive while an ioctl runs. Each method says in its {@code Context:} line which core locks are
 * held when it is called; the lock order is in the {@code accelmm.api.device} package description.
 */
@ConsumerType
public interface DeviceDriver {
    /** The service property naming the device kind the driver serves. */
    String KIND = "accelmm.device.kind";

    /**
     * The driver takes a device: the first time, or after a swap with the state the previous
     * driver left.
     *
     * <p>Context: the device's swap, with no call and no callback of the device running; no core
     * lock held. May block briefly; must not wait for calls of this device.
     */
    default void bind(DeviceContext device) {
    }

    /**
     * The driver lets a device go; in-flight calls and callbacks have drained.
     *
     * <p>Context: the device's swap or removal; no core lock held. May block to stop the driver's
     * own threads.
     */
    default void unbind(DeviceContext device) {
    }

    /**
     * A process opens the device.
     *
     * <p>Context: a call (inside the device gate); no other core lock held. May block and call into
     * the address space.
     *
     * @throws accelmm.api.ErrnoException to refuse the open
     */
    default void open(DeviceFile file) {
    }

    /**
     * Handles one ioctl: a request record of the driver's uapi package, usually through its
     * {@link IoctlTable}.
     *
     * <p>Context: a call (inside the device gate), on the calling process's thread, many at once;
     * no other core lock held. May block and call into address spaces, without the device lock.
     *
     * @return the reply of the request's type (null for {@code Void})
     * @throws accelmm.api.ErrnoException the kernel's errno for the request; {@code ENOTTY} for a
     *     request the driver does not know
     */
    <R> R ioctl(DeviceFile file, Request<R> request);

    /**
     * The last descriptor of a file closed: release what it holds before the core tidies up.
     *
     * <p>Context: a callback, from close or process exit (possibly with the exiting address
     * space's mmap lock held); may block; must not take the mmap lock of the file's process.
     */
    default void release(DeviceFile file) {
    }

    /**
     * A notifier inserted with {@link DeviceContext#insertNotifier} is invalidated: tear down the
     * device's view of the range, under the driver lock, and record {@code seq}.
     *
     * <p>Context: a callback with the address space's mmap lock and, for page-level changes, its
     * page-table lock held; takes only the device lock ({@code tryLock} when the range is not
     * blockable); must not call into any address space, insert or remove notifiers, or wait for
     * calls.
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
     * <p>Context: a callback with the faulting address space's mmap lock held for reading and its
     * page-table lock dropped; may take the device lock (and drop it again) and then migrate
     * ({@code migrateVma} on {@code mm}). Another thread may have migrated the page already: finding
     * nothing to move is not an error.
     *
     * @return true on success; false fails the CPU access ({@code SIGBUS})
     */
    default boolean migrateToRam(DeviceContext device, accelmm.api.mm.AddressSpace mm, long addr) {
        return false;
    }

    /**
     * How many host pages the driver could give back now if the host ran short: its purgeable
     * objects ({@code count_objects} of the driver's shrinker); 0 by default. The core registers
     * one {@link accelmm.api.mm.Shrinker} per device and asks the bound driver through it.
     *
     * <p>Context: no core lock held; never waits for a lock (see {@link accelmm.api.mm.Shrinker}).
     */
    default long shrinkCount(DeviceContext device) {
        return 0;
    }

    /**
     * Gives back up to about {@code nrPages} host pages by purging objects
     * ({@code scan_objects}); nothing by default.
     *
     * <p>Context: as {@link #shrinkCount}: a driver tries its lock and answers
     * {@link accelmm.api.mm.Shrinker#SHRINK_STOP} when it cannot take it, or when the calling
     * thread already holds it.
     *
     * @return the pages freed, or {@link accelmm.api.mm.Shrinker#SHRINK_STOP}
     */
    default long shrinkScan(DeviceContext device, long nrPages) {
        return 0;
    }

    /**
     * A device attaches to a buffer exported with {@link DeviceContext#exportDmaBuf}.
     *
     * <p>Context: a callback, from another device's call (the importer's); may take this device's
     * lock; must not wait for calls of this device.
     *
     * @throws accelmm.api.ErrnoException to refuse the attachment
     */
    default void dmaBufAttach(DeviceExport export, DmaBufAttachment attachment) {
    }

    /**
     * Maps an exported buffer for an attachment.
     *
     * <p>Context: as {@link #dmaBufAttach}.
     *
     * @throws accelmm.api.ErrnoException the exporter's errno
     */
    default SgTable dmaBufMap(DeviceExport export, DmaBufAttachment attachment, DmaDirection dir) {
        throw accelmm.api.Errno.EOPNOTSUPP.exception("the driver does not map dma-bufs");
    }

    /**
     * Unmaps a table from {@link #dmaBufMap}.
     *
     * <p>Context: as {@link #dmaBufMap}.
     */
    default void dmaBufUnmap(DeviceExport export, DmaBufAttachment attachment, SgTable table, DmaDirection dir) {
    }

    /**
     * The last reference to an exported buffer went.
     *
     * <p>Context: a callback from whoever dropped the last reference (a close, an exit, an
     * importer's detach); may take the device lock.
     */
    default void dmaBufRelease(DeviceExport export) {
    }
}
