package accelmm.api.gmem;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A GMEM device ({@code struct gm_dev}), created by {@link Gmem#devCreate} for one device of the
 * driver model; its MMU callbacks go to whichever driver is bound to that device.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface GmDev {
    /** Returns the id (from 0, the lowest free). */
    int id();

    /** Returns the {@link GmCap} bits. */
    int caps();

    /** Returns the name of the device of the driver model. */
    String device();

    /** Returns true until {@link #destroy}. */
    boolean alive();

    /**
     * Registers byte offsets {@code [begin, end)} of the device's memory node as device physical
     * memory; {@code begin} is rounded up to a page ({@code PAGE_ALIGN}) and {@code end} down.
     *
     * @return the hnode
     * @throws accelmm.api.ErrnoException {@code EINVAL} if the range is empty after rounding or
     *     leaves the node; {@code EEXIST} if it overlaps a registered range; {@code ENOSPC} when the
     *     device has {@link Gmem#MAX_NUMNODES} hnodes; {@code ENODEV} after destroy
     */
    GmHnode registerPhysmem(long begin, long end);

    /**
     * Unregisters an hnode.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown id; {@code EBUSY} while any
     *     of its pages holds data
     */
    void unregisterPhysmem(int nid);

    /** Returns the registered hnodes. */
    List<GmHnode> hnodes();

    /**
     * Takes one zeroed page of registered memory for a {@link GmMmu#peerMap} destination.
     *
     * @return the {@link accelmm.api.hmm.MigratePfn} entry of the page
     * @throws accelmm.api.ErrnoException {@code ENOMEM} when every hnode is full (or the node's
     *     allocator fails)
     */
    long allocPage();

    /** Returns the free pages of all hnodes. */
    long freePages();

    /** Returns the contexts attaching this device to address spaces. */
    List<GmCtx> contexts();

    /** Returns the context last attached with {@code activate}, or null. */
    GmCtx currentCtx();

    /**
     * Records a device access to the region holding {@code va} of {@code as}: it becomes the most
     * recently used.
     */
    void touch(GmAs as, long va);

    /**
     * Returns how many CPU touches took a region of this device home ({@code gm_host_fault}) since
     * it was created: a device fault that maps nothing can tell from it that a CPU made progress
     * meanwhile.
     *
     * <p>Concurrency: lock-free.
     */
    long hostFaults();

    /**
     * Moves the least recently used region of this device that is not WILLNEED back to host memory
     * (through {@link GmMmu#peerUnmap} with copy).
     *
     * @return false if no region can be evicted
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if host memory runs out
     */
    boolean evictLru();

    /**
     * Destroys the device: every context is detached (device data migrates back to host memory,
     * {@link GmMmu#pmapDestroy} runs), the hnodes are unregistered and the id is freed. A second call
     * does nothing.
     */
    void destroy();
}
