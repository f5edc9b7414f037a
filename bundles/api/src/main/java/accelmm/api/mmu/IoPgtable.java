package accelmm.api.mmu;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A device page table in the style of the kernel's io-pgtable (ARM LPAE / Mali, stage 1 or 2):
 * a 4 KiB, 16 KiB or 64 KiB granule (tables of 512, 2048 or 8192 entries), leaves of the sizes in
 * {@link #pgsizeBitmap()}, input addresses below {@code 2^ias} and output addresses below
 * {@code 2^oas}, as few levels as {@code ias} needs.
 *
 * <p>Concurrency: thread-safe; changes are serialized, translations take the same lock.
 */
@ProviderType
public interface IoPgtable {
    /** Returns the page sizes this table maps, as a bitmap of sizes (4K|2M|1G = 0x40201000). */
    long pgsizeBitmap();

    /** Returns the input address size in bits. */
    int ias();

    /** Returns the output address size in bits. */
    int oas();

    /**
     * Maps {@code pgcount} pages of {@code pgsize} from {@code iova} to {@code paddr}
     * ({@code map_pages}). A protection with neither READ nor WRITE maps nothing and returns 0.
     * A failed call maps nothing (what it had mapped is undone).
     *
     * @return the bytes mapped
     * @throws accelmm.api.ErrnoException {@code EINVAL} if {@code pgsize} is not one size of the
     *     bitmap, {@code pgcount < 1}, or iova/paddr are not aligned to it; {@code ERANGE} if the
     *     range passes {@code 2^ias} or {@code 2^oas}; {@code EEXIST} if any covered page is mapped
     *     already (an unmap must come first); {@code ENOMEM} if a table cannot be allocated
     */
    long mapPages(long iova, long paddr, long pgsize, long pgcount, int prot);

    /**
     * Maps pages that need not be contiguous: page {@code i} of {@code pgsize} at
     * {@code iova + i * pgsize} to {@code paddrs[i]}, as a driver maps a BO's pages or an sg list
     * page by page. All or nothing: a failure unmaps the pages it mapped and rethrows.
     *
     * @throws accelmm.api.ErrnoException as {@link #mapPages}
     */
    default void mapEach(long iova, long[] paddrs, long pgsize, int prot) {
        int done = 0;
        try {
            for (; done < paddrs.length; done++) {
                mapPages(iova + done * pgsize, paddrs[done], pgsize, 1, prot);
            }
        } catch (RuntimeException e) {
            if (done > 0) {
                unmapPages(iova, pgsize, done, new IotlbGather());
            }
            throw e;
        }
    }

    /**
     * Unmaps {@code pgcount} pages of {@code pgsize} from {@code iova} ({@code unmap_pages}); leaves
     * are gathered for a TLB sync, freed tables are flushed at once. Stops at the first page that is
     * not mapped, and at a page that is only part of a larger block: a partial block unmap returns
     * 0 (the modern kernel; block splitting on unmap was removed).
     *
     * @return the bytes unmapped
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad page size, count or alignment
     */
    long unmapPages(long iova, long pgsize, long pgcount, IotlbGather gather);

    /** Returns the output address {@code iova} translates to, in-page offset included, or 0. */
    long iovaToPhys(long iova);

    /**
     * Describes the walk of {@code iova}: one line per level, as {@code mm:pt} prints it.
     */
    java.util.List<String> walk(long iova);

    /** One valid leaf entry: a page or block of {@code size} bytes at {@code iova}. */
    @FunctionalInterface
    interface LeafVisitor {
        /** Visits a leaf mapping {@code iova} to {@code paddr}, with its {@link IommuProt} bits. */
        void leaf(long iova, long paddr, long size, int prot);
    }

    /**
     * Visits every valid leaf in address order (invariant checks).
     *
     * <p>Concurrency: holds the table's lock; the visitor must not change the table.
     */
    void forEachLeaf(LeafVisitor visitor);
}
