package accelmm.api.gmem;

import accelmm.api.mm.AddressSpace;

/**
 * The arguments of {@link GmMmu#peerMap} and {@link GmMmu#peerUnmap} ({@code gm_fault_t}): one
 * region piece, per page the source the migration collected and the destination the callee fills.
 *
 * <p>Concurrency: owned by one call.
 */
public final class GmFaultArgs {
    /** The address space. */
    public final AddressSpace mm;
    /** The device. */
    public final GmDev dev;
    /** The first address (page aligned). */
    public final long va;
    /** The size in bytes. */
    public final long size;
    /** The {@link accelmm.api.mm.Prot} of the mapping. */
    public final int prot;
    /**
     * True if data must move: peerMap copies every source that holds a page into its new device page
     * (and zero-fills the rest), peerUnmap copies device pages into their host destinations.
     */
    public final boolean copy;
    /** Per page: the {@link accelmm.api.hmm.MigratePfn} source, or 0 if the page is not moving. */
    public final long[] src;
    /**
     * Per page: the destination. peerMap fills it with pages from {@link GmDev#allocPage}; for
     * peerUnmap the framework has filled it with host pages.
     */
    public final long[] dst;
    /** The fault hint. */
    public final GmFaultHint hint;

    /** Creates the arguments. */
    public GmFaultArgs(AddressSpace mm, GmDev dev, long va, long size, int prot, boolean copy, long[] src, long[] dst,
            GmFaultHint hint) {
        this.mm = mm;
        this.dev = dev;
        this.va = va;
        this.size = size;
        this.prot = prot;
        this.copy = copy;
        this.src = src;
        this.dst = dst;
        this.hint = hint;
    }
}
