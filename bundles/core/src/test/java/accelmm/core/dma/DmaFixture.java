package accelmm.core.dma;

import static accelmm.testing.Patterns.pattern;

import java.util.Set;


import accelmm.api.PageSize;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.GupFlags;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;
import accelmm.core.mm.MemoryManagerImpl;

/** A memory manager and DMA service for the DMA tests, with helpers. */
class DmaFixture {
    static final int PAGE = (int) PageSize.PAGE_SIZE;

    final CoreDiagnostics diag = CoreDiagnostics.create();
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 32L << 20, false);
    final DmaImpl dma = new DmaImpl(mm, diag, Set.of("rc0"));




    /** Maps {@code pages} anonymous pages in {@code p}, writes a pattern and pins them. */
    static PinnedPages pinnedPattern(MmProcess p, int pages, int seed) {
        long va = p.mm().mmap(0, (long) pages * PAGE, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        p.mm().write(va, pattern(pages * PAGE, seed), 0, pages * PAGE);
        return p.mm().pinUserPages(va, pages, GupFlags.WRITE);
    }

    /** The scatter-gather table of pinned pages. */
    static SgTable table(PinnedPages pinned) {
        long[] pfns = pinned.globalPfns();
        return Scatterlist.fromPages(pfns, 0, (long) pfns.length * PAGE, Scatterlist.SG_MAX_SEGMENT);
    }
}
