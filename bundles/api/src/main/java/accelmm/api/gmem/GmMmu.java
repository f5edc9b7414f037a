package accelmm.api.gmem;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The MMU callbacks of a GMEM device ({@code struct gm_mmu}), implemented by the bound
 * {@link accelmm.api.device.DeviceDriver} of a device with a {@link GmDev}. A pmap must be made of
 * api types (an {@link accelmm.api.mmu.IoPgtable}, say) so that it outlives a driver update.
 *
 * <p>Concurrency: called on many threads. {@link #peerMap} and {@link #peerUnmap} run inside a
 * migration (the address space's locks held) and must not access that address space; the pmap
 * calls run under the context's lock and must take the lock the device's accesses hold, so that
 * after {@link #pmapRelease} returns no access uses the old entries.
 */
@ConsumerType
public interface GmMmu {
    /**
     * Creates a device page table for a new context.
     *
     * @throws accelmm.api.ErrnoException to refuse the attach
     */
    Object pmapCreate(GmDev dev);

    /** Destroys a page table from {@link #pmapCreate}. */
    void pmapDestroy(GmDev dev, Object pmap);

    /**
     * Maps {@code [va, va + size)} to physical address {@code pa} with {@link accelmm.api.mm.Prot}
     * {@code prot}.
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM}
     */
    void pmapEnter(GmDev dev, Object pmap, long va, long size, long pa, int prot);

    /** Unmaps whatever is mapped in {@code [va, va + size)}. */
    void pmapRelease(GmDev dev, Object pmap, long va, long size);

    /** Changes the protection of what is mapped in {@code [va, va + size)}. */
    void pmapProtect(GmDev dev, Object pmap, long va, long size, int prot);

    /** Invalidates the device TLB for {@code [va, va + size)}. */
    void tlbInvl(GmDev dev, Object pmap, long va, long size);

    /**
     * Takes a region piece onto the device: fills {@code args.dst} with device pages (from
     * {@link GmDev#allocPage}), copying each source page when {@code args.copy}.
     *
     * @return {@link GmRet#SUCCESS}, or {@link GmRet#MIGRATING} with {@code dst} left empty when
     *     device memory is over-committed
     * @throws accelmm.api.ErrnoException {@code ENOMEM} and the like; pages already placed in
     *     {@code dst} are given back by the framework
     */
    GmRet peerMap(GmFaultArgs args);

    /**
     * Gives a region piece back to the host: copies each device source into its host destination
     * when {@code args.copy}.
     *
     * @throws accelmm.api.ErrnoException to fail the move (the data stays on the device)
     */
    void peerUnmap(GmFaultArgs args);
}
