package accelmm.core.mm;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mm.PhysAddr;
import accelmm.core.mem.MemoryNode;

/**
 * Reads and writes by physical address ({@code MemoryManager.physRead} and the rest), as a device's
 * DMA engine does them: bytes across pages of one node, whole-page stamps, the shared zero page
 * read as zeros and never written; an address outside every node or a frame nobody holds is
 * {@code EFAULT}.
 *
 * <p>Concurrency: as the nodes' frame accesses (thread-safe).
 */
final class PhysAccess {
    private final MemoryManagerImpl mm;

    PhysAccess(MemoryManagerImpl mm) {
        this.mm = mm;
    }

    void read(long physAddr, byte[] dst, int off, int len) {
        if (inZeroPage(physAddr, len)) {
            checkBuffer(dst, off, len);
            java.util.Arrays.fill(dst, off, off + len, (byte) 0);
            return;
        }
        MemoryNode n = physRange(physAddr, dst, off, len);
        forEachPage(physAddr, len, (pfn, pageOff, done, piece) -> n.read(pfn, pageOff, dst, off + done, piece));
    }

    void write(long physAddr, byte[] src, int off, int len) {
        if (inZeroPage(physAddr, Math.max(len, 1))) {
            throw Errno.EFAULT.exception("the zero page at physical 0x" + Long.toHexString(physAddr) + " is read-only");
        }
        MemoryNode n = physRange(physAddr, src, off, len);
        forEachPage(physAddr, len, (pfn, pageOff, done, piece) -> n.write(pfn, pageOff, src, off + done, piece));
    }

    long readStamp(long physAddr) {
        if (physAddr == PhysAddr.ZERO_PAGE) {
            return 0;
        }
        return stampPage(physAddr).readStamp(PhysAddr.pfn(physAddr));
    }

    void writeStamp(long physAddr, long stamp) {
        accelmm.api.mm.Stamps.checkValid(stamp);
        stampPage(physAddr).writeStamp(PhysAddr.pfn(physAddr), stamp);
    }

    private MemoryNode stampPage(long physAddr) {
        if ((physAddr & ~PageSize.PAGE_MASK) != 0) {
            throw Errno.EINVAL.exception("physical 0x" + Long.toHexString(physAddr) + " is not page-aligned");
        }
        return physRange(physAddr, new byte[0], 0, 0);
    }

    /** One page's piece of a physical access. */
    private interface PagePiece {
        void apply(long pfn, int pageOff, int done, int piece);
    }

    private static void forEachPage(long physAddr, int len, PagePiece piece) {
        int done = 0;
        while (done < len) {
            long pa = physAddr + done;
            int pageOff = (int) (pa & ~PageSize.PAGE_MASK);
            int n = (int) Math.min(len - done, PageSize.PAGE_SIZE - pageOff);
            piece.apply(PhysAddr.pfn(pa), pageOff, done, n);
            done += n;
        }
    }

    /** Whether {@code [physAddr, +len)} lies in the zero page ({@link PhysAddr#ZERO_PAGE}), with a valid length. */
    private static boolean inZeroPage(long physAddr, int len) {
        return physAddr >= PhysAddr.ZERO_PAGE && len >= 0 && physAddr + len <= PhysAddr.ZERO_PAGE + PageSize.PAGE_SIZE;
    }

    private static void checkBuffer(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off + len > buf.length || off + len < 0) {
            throw Errno.EINVAL.exception("bad buffer");
        }
    }

    /** Checks a physical range: one node, every page an allocated frame. */
    private MemoryNode physRange(long physAddr, byte[] buf, int off, int len) {
        checkBuffer(buf, off, len);
        MemoryNode n = physAddr < 0 ? null : mm.nodeById(PhysAddr.node(physAddr));
        long last = physAddr + Math.max(len, 1) - 1;
        if (n == null || PhysAddr.node(last) != n.id()) {
            throw Errno.EFAULT.exception("no memory at physical 0x" + Long.toHexString(physAddr));
        }
        for (long pfn = PhysAddr.pfn(physAddr); pfn <= PhysAddr.pfn(last); pfn++) {
            if (!n.isAllocated(pfn)) {
                throw Errno.EFAULT.exception("frame " + pfn + " of " + n.name() + " is not allocated");
            }
        }
        return n;
    }
}
