package accelmm.api.dma;

import java.util.concurrent.locks.ReentrantLock;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A buffer shared between devices ({@code struct dma_buf}): made by an exporter with
 * {@link Dma#export}, given a descriptor by {@link Dma#fd}, found by importers with
 * {@link Dma#get}, attached, mapped for a device, and released when its file's last reference
 * goes.
 *
 * <p>Mapping rules: a mapping cached by an exporter with {@code cacheSgtMapping} is returned again
 * for the same direction (or any direction if it was bidirectional) and otherwise refused with
 * {@code EBUSY}; a static importer of a dynamic exporter pins the buffer for each mapping and
 * unpins on unmap (pin-on-map); a dynamic importer maps under {@link #resv()} and is told by
 * {@code move_notify} when to drop its mappings.
 *
 * <p>Concurrency: thread-safe; dynamic importers and exporters take {@link #resv()} where the
 * kernel holds the reservation lock.
 */
@ProviderType
public interface DmaBuf {
    /** {@code DMA_BUF_IOCTL_SYNC} flag: the CPU reads. */
    long SYNC_READ = 1;
    /** {@code DMA_BUF_IOCTL_SYNC} flag: the CPU writes. */
    long SYNC_WRITE = 2;
    /** {@code DMA_BUF_IOCTL_SYNC} flags: the CPU reads and writes. */
    long SYNC_RW = SYNC_READ | SYNC_WRITE;
    /** {@code DMA_BUF_IOCTL_SYNC} flag value: CPU access begins. */
    long SYNC_START = 0;
    /** {@code DMA_BUF_IOCTL_SYNC} flag: CPU access ends. */
    long SYNC_END = 4;

    /** Returns the buffer's unique number. */
    long inode();

    /** Returns the exporter's name. */
    String exporter();

    /** Returns the size in bytes. */
    long size();

    /** Returns the exporter's private object. */
    Object priv();

    /** Returns the reservation lock ({@code dma_resv}). */
    ReentrantLock resv();

    /**
     * Attaches a static importer ({@code dma_buf_attach}): no peer2peer, no {@code move_notify}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a null device or a released buffer;
     *     the exporter's error when it refuses
     */
    DmaBufAttachment attach(DmaDevice device);

    /**
     * Attaches a dynamic importer ({@code dma_buf_dynamic_attach}); peer2peer starts as the
     * importer allows and the exporter may clear it.
     *
     * @param importerOps the importer's operations, or null for a static importer
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a null device, operations without
     *     {@code moveNotify}, or a released buffer; the exporter's error when it refuses
     */
    DmaBufAttachment dynamicAttach(DmaDevice device, DmaBufImporterOps importerOps, Object importerPriv);

    /**
     * Detaches ({@code dma_buf_detach}), dropping a cached mapping and its pin.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an attachment of another buffer or one
     *     already detached
     */
    void detach(DmaBufAttachment attachment);

    /**
     * Maps the buffer for the attachment's device ({@code dma_buf_map_attachment}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a foreign or detached attachment or
     *     direction {@code NONE}; {@code EBUSY} for a direction the cached mapping does not cover;
     *     {@code ENOMEM} if the exporter returns nothing; the exporter's error (for instance
     *     {@code EPERM} without peer2peer)
     * @throws IllegalStateException for a dynamic importer not holding {@link #resv()}
     */
    SgTable map(DmaBufAttachment attachment, DmaDirection dir);

    /**
     * Unmaps ({@code dma_buf_unmap_attachment}); a cached mapping stays until detach.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a table this attachment did not map
     * @throws IllegalStateException for a dynamic importer not holding {@link #resv()}
     */
    void unmap(DmaBufAttachment attachment, SgTable table, DmaDirection dir);

    /**
     * Pins the buffer for a dynamic importer ({@code dma_buf_pin}): it will not move until
     * {@link #unpin}.
     *
     * @throws accelmm.api.ErrnoException the exporter's error
     * @throws IllegalStateException for a static importer or without {@link #resv()} held
     */
    void pin(DmaBufAttachment attachment);

    /**
     * Undoes {@link #pin}.
     *
     * @throws IllegalStateException if not pinned, for a static importer or without {@link #resv()}
     */
    void unpin(DmaBufAttachment attachment);

    /**
     * Tells every dynamic importer to drop its mappings ({@code dma_buf_move_notify}); the exporter
     * calls it with {@link #resv()} held before moving the memory.
     *
     * @throws IllegalStateException without {@link #resv()} held
     */
    void moveNotify();

    /**
     * Maps the buffer into an address space ({@code dma_buf_mmap}): {@code length} bytes from
     * byte {@code offset}, through the exporter's {@code mmap}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an exporter without {@code mmap}, a
     *     released buffer, an offset that is not page-aligned or negative, a length of 0, or a
     *     range past the end of the buffer; {@code EOVERFLOW} for a range whose end overflows;
     *     the address space's errors
     */
    long mmap(accelmm.api.mm.AddressSpace mm, long addr, long length, int prot, int flags, long offset);

    /**
     * Brackets CPU access ({@code DMA_BUF_IOCTL_SYNC}): {@link #SYNC_START} or {@link #SYNC_END}
     * with {@link #SYNC_READ}, {@link #SYNC_WRITE} or both. It waits for the reservation lock and
     * calls the exporter's {@code begin_cpu_access} or {@code end_cpu_access}, if it has them.
     *
     * <p>Context: may block on {@link #resv()}; must not be called holding it from another thread's
     * point of view (the lock is reentrant).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for flags outside
     *     {@code SYNC_RW | SYNC_END}, or neither read nor write; the exporter's error
     */
    void sync(long flags);

    /** Returns the number of attachments holding a pin. */
    int pinCount();

    /**
     * Takes another reference ({@code get_dma_buf}), for instance to give the buffer a second
     * descriptor with {@link Dma#fd}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} once the buffer is released
     */
    void get();

    /** Drops a reference taken by {@link Dma#get} or {@link #get()} ({@code dma_buf_put}). */
    void put();

    /** Returns true once the last reference went and the exporter released the buffer. */
    boolean released();
}
