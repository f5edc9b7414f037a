package accelmm.api.mmu;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The Intel GNA flat MMU ({@code gna_mem.c}): a page directory of up to {@link #PGDIRN_LEN}
 * entries pointing at page tables of {@link #PT_LENGTH} 32-bit frame numbers. The device address
 * space is linear and rebuilt per request: {@link #add} appends the pages of one memory object after
 * those already added, and {@link #vamaxaddr()} is the last device address mapped.
 *
 * <p>Concurrency: thread-safe; a request's add/clear sequence is the caller's to serialize.
 */
@ProviderType
public interface GnaMmu {
    /** Page-directory entries ({@code GNA_PGDIRN_LEN}). */
    int PGDIRN_LEN = 64;
    /** Entries per page table ({@code GNA_PT_LENGTH = PAGE_SIZE / 4}). */
    int PT_LENGTH = 1024;
    /** The value of an unused page-directory entry ({@code GNA_PGDIR_INVALID}). */
    int PGDIR_INVALID = 1;

    /** Returns the number of page tables. */
    int numPagetables();

    /**
     * Appends the frames of one memory object ({@code gna_mmu_add}); frames beyond the last table
     * are dropped silently, as in the seed (the request's size limit is what prevents it). An empty
     * array changes nothing.
     */
    void add(long[] pfns);

    /** Zeroes the used entries and resets the fill position and {@code vamaxaddr} ({@code gna_mmu_clear}). */
    void clear();

    /**
     * Returns the last mapped device address:
     * {@code filled_pts * PAGE_SIZE * 1024 + filled_pages * PAGE_SIZE - 1}, or 0 after a clear.
     */
    long vamaxaddr();

    /**
     * Translates a device address as the hardware does.
     *
     * @return the physical address, or -1 if the address is above {@link #vamaxaddr()} (the VA
     *     out-of-range status) or its entry is not filled
     */
    long translate(long va);

    /** Returns a copy of the page directory. */
    int[] pageDirectory();
}
