package accelmm.api.mm;

import accelmm.api.PageSize;

/**
 * The physical (bus) address space seen by DMA engines: every memory node owns a 1 TiB window,
 * node {@code n} at {@code (n + 1) << 40} (host RAM, node 0, at 1 TiB), so a device's memory behind
 * its PCI BAR has addresses no other node shares, and address 0 is never memory (page tables use 0
 * for "not mapped"). A global frame number is a physical address shifted by the page shift.
 *
 * <p>Concurrency: pure functions.
 */
public final class PhysAddr {
    /** Bits of a node's window. */
    public static final int NODE_SHIFT = 40;
    /** Bits of a node's frame numbers within a global frame number. */
    public static final int PFN_BITS = NODE_SHIFT - PageSize.PAGE_SHIFT;
    /**
     * The physical address of the shared zero page, below every node's window: it reads as zeros
     * (and as the zero stamp), and writing it is {@code EFAULT}.
     */
    public static final long ZERO_PAGE = PageSize.PAGE_SIZE;

    private PhysAddr() {
    }

    /** Returns the physical address of byte {@code offset} of frame {@code pfn} of {@code node}. */
    public static long of(int node, long pfn, long offset) {
        return ((node + 1L) << NODE_SHIFT) | (pfn << PageSize.PAGE_SHIFT) | offset;
    }

    /** Returns the global frame number of frame {@code pfn} of {@code node}. */
    public static long globalPfn(int node, long pfn) {
        return ((node + 1L) << PFN_BITS) | pfn;
    }

    /** Returns the node of a physical address. */
    public static int node(long physAddr) {
        return (int) (physAddr >>> NODE_SHIFT) - 1;
    }

    /** Returns the node-local frame number of a physical address. */
    public static long pfn(long physAddr) {
        return (physAddr & ((1L << NODE_SHIFT) - 1)) >>> PageSize.PAGE_SHIFT;
    }

    /** Returns the node of a global frame number. */
    public static int nodeOfPfn(long globalPfn) {
        return (int) (globalPfn >>> PFN_BITS) - 1;
    }

    /** Returns the node-local frame number of a global frame number. */
    public static long localPfn(long globalPfn) {
        return globalPfn & ((1L << PFN_BITS) - 1);
    }
}
