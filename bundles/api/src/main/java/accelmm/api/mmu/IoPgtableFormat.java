package accelmm.api.mmu;

/**
 * The io-pgtable formats a device page table can take ({@code enum io_pgtable_fmt}).
 *
 * <p>Concurrency: immutable.
 */
public enum IoPgtableFormat {
    /** {@code ARM_64_LPAE_S1}: a stage-1 table, translating a device's virtual addresses. */
    ARM_64_LPAE_S1,
    /**
     * {@code ARM_64_LPAE_S2}: a stage-2 table, translating intermediate physical addresses; a walk
     * that would start at level 0 with at most 16 entries there starts at level 1 on that many
     * concatenated tables instead.
     */
    ARM_64_LPAE_S2
}
