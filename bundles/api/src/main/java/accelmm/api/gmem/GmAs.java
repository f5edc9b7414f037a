package accelmm.api.gmem;

import java.util.List;

import accelmm.api.mm.AddressSpace;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A GMEM address space ({@code struct gm_as}) bound to one process's address space: the devices
 * attached to it and its logical page table.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface GmAs {
    /** Returns the id. */
    int id();

    /** Returns the process address space. */
    AddressSpace mm();

    /** Returns the first address covered. */
    long begin();

    /** Returns one past the last address covered. */
    long end();

    /**
     * Attaches a device ({@code gm_as_attach}): the driver creates a page table for it
     * ({@link GmMmu#pmapCreate}, except in {@link GmMmuMode#SHARE}); {@code activate} makes the
     * context the device's current one.
     *
     * @throws accelmm.api.ErrnoException {@code EEXIST} if the device is already attached;
     *     {@code EOPNOTSUPP} for SHARE or REPLICATE on a device without {@link GmCap#COHERENT};
     *     {@code EINVAL} for a null mode; {@code ENODEV} for a destroyed device or address space;
     *     what {@code pmapCreate} throws
     */
    GmCtx attach(GmDev dev, GmMmuMode mode, boolean activate);

    /**
     * Detaches a device: its regions migrate back to host memory, then its page table is destroyed.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} if the device is not attached;
     *     {@code ENOMEM} if host memory runs out (the device stays attached)
     */
    void detach(GmDev dev);

    /** Returns the contexts. */
    List<GmCtx> contexts();

    /**
     * Returns the logical page table over {@code [start, end)}: every region a device has touched,
     * with where its pages are.
     */
    List<GmRegion> table(long start, long end);

    /**
     * Destroys the address space ({@code gm_as_destroy}): detaches every device as {@link #detach}
     * does and unbinds it from the process. A second call does nothing.
     */
    void destroy();
}
