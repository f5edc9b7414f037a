package accelmm.bench;

import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.diag.Warnings;
import accelmm.core.idr.IdrImpl;
import accelmm.core.idr.IdrRegistryImpl;
import accelmm.core.mm.MemoryManagerImpl;

/**
 * Memory figures measured directly (no timing): metadata bytes per mapped page, dense and sparse,
 * and IDR node bytes per id.
 */
final class Footprint {
    private static final long PAGE = 4096;

    private Footprint() {
    }

    /**
     * Maps {@code pages} pages, every {@code stride}-th page populated, and returns the metadata
     * bytes per populated page: the page table's share plus the per-frame state.
     */
    static double bytesPerPage(long pages, long stride) {
        CoreDiagnostics diag = CoreDiagnostics.create();
        long populated = pages / stride;
        MemoryManagerImpl memory = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), (populated + 1024) * PAGE, false);
        MmProcess p = memory.spawn("footprint");
        long addr = p.mm().mmap(0, pages * PAGE, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        for (long i = 0; i < pages; i += stride) {
            p.mm().populate(addr + i * PAGE, PAGE, true);
        }
        double perPage = (double) (memory.pageTableBytes(p.pid()) + memory.host().metadataBytes()) / populated;
        p.exit();
        return perPage;
    }

    /** Returns the IDR's node bytes per id at {@code live} ids. */
    static double idrBytesPerId(int live) {
        IdrImpl<Object> idr = new IdrImpl<>(0, null, new Warnings());
        for (int i = 0; i < live; i++) {
            idr.alloc(IdrBench.VALUE, 0, 0);
        }
        return (double) idr.footprintBytes() / idr.count();
    }
}
