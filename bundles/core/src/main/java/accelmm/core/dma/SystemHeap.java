package accelmm.core.dma;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaBufOps;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.NodeInfo;
import accelmm.api.mm.NodeKind;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.SharedFile;

/**
 * The {@code system} dma-buf heap ({@code drivers/dma-buf/heaps/system_heap.c}): a buffer is
 * zeroed host pages held for its whole life, mapped for each attachment's device through its
 * IOMMU, and mapped into processes as the same pages. The pages live in a shmem-like file of the
 * core, so a process's mapping is an ordinary shared file mapping of them.
 *
 * <p>Memory here is coherent, so the heap has no {@code begin_cpu_access} or
 * {@code end_cpu_access} work: the kernel's are cache maintenance.
 *
 * <p>Concurrency: thread-safe; a buffer's attachments are guarded by its reservation lock.
 */
final class SystemHeap {
    static final String NAME = "system";
    private static final long PAGE = PageSize.PAGE_SIZE;

    /** One buffer: its pages, pinned, and the file that holds them. */
    private record Buffer(SharedFile file, PinnedPages pages, long len) {
        SgTable table(Dma dma) {
            return dma.sgFromPages(pages.globalPfns(), 0, len, Scatterlist.SG_MAX_SEGMENT);
        }

        void release() {
            pages.unpin();
            file.close();
        }
    }

    private final MemoryManager memory;
    private final Dma dma;

    SystemHeap(MemoryManager memory, Dma dma) {
        this.memory = memory;
        this.dma = dma;
    }

    /**
     * Allocates a buffer of {@code len} bytes, a whole number of pages.
     *
     * @throws ErrnoException {@code ENOMEM} when host memory cannot hold it
     */
    DmaBuf allocate(long len) {
        long hostBytes = 0;
        for (NodeInfo n : memory.nodes()) {
            if (n.kind() == NodeKind.HOST) {
                hostBytes += n.size();
            }
        }
        if (Long.compareUnsigned(len, hostBytes) > 0) {
            throw Errno.ENOMEM.exception("the system heap cannot hold " + Long.toUnsignedString(len)
                    + " bytes: the host has " + hostBytes);
        }
        SharedFile file = memory.createFile("dmabuf:" + NAME, len, true);
        PinnedPages pages;
        try {
            pages = file.pinPages(0, (int) (len / PAGE));
        } catch (ErrnoException e) {
            file.close();
            throw e;
        }
        Buffer b = new Buffer(file, pages, len);
        DmaBufOps ops = new DmaBufOps(null, null, null, null,
                (a, dir) -> map(b, a, dir),
                (a, table, dir) -> a.device().unmapSg(table),
                b::release, false,
                SystemHeap::mmap, null, null);
        try {
            return dma.export(NAME, len, b, ops);
        } catch (ErrnoException e) {
            b.release();
            throw e;
        }
    }

    private SgTable map(Buffer b, DmaBufAttachment a, DmaDirection dir) {
        return a.device().mapSg(b.table(dma), dir);
    }

    private static long mmap(DmaBuf buf, AddressSpace mm, long addr, long length, int prot, int flags, long offset,
            boolean writeAccess) {
        return mm.mmap(addr, length, prot, flags, ((Buffer) buf.priv()).file(), offset, writeAccess);
    }
}
