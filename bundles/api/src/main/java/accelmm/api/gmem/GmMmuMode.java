package accelmm.api.gmem;

/**
 * How a device's MMU relates to the CPU page table of an address space it is attached to.
 *
 * <p>Concurrency: immutable.
 */
public enum GmMmuMode {
    /**
     * The device walks the CPU page table itself: every access is a CPU access, coherent, and never
     * migrates data. Needs {@link GmCap#COHERENT}.
     */
    SHARE,
    /**
     * The device keeps its own table with entries exclusive to it: a device fault migrates the 2 MiB
     * region into device memory and a CPU touch migrates it back. No coherent link needed.
     */
    COHERENT_EXCLUSIVE,
    /**
     * The device table replicates the CPU mappings (host pages, faulted in on demand and dropped
     * whenever the CPU's change); data stays in host memory. Needs {@link GmCap#COHERENT}.
     */
    REPLICATE
}
