package accelmm.core.mm;

import java.util.Iterator;
import java.util.Set;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mm.HugetlbInfo;
import accelmm.core.mem.MemoryNode;

/**
 * The hugetlb pool ({@code mm/hugetlb.c}, one {@code hstate} of 2 MiB pages): a number of huge
 * pages mappings may use, with reservations made at mmap (a private mapping, or a hugetlbfs file
 * for its size) so that a later fault finds its page, as {@code hugetlb_reserve_pages} promises.
 * Pages are taken from the host node when faulted, not set aside at start, so an unused pool costs
 * nothing; a page is back in the pool once its frames are freed.
 *
 * <p>Concurrency: guarded by this object.
 */
final class HugetlbPool {
    /** Pages per huge page. */
    static final int PAGES = 1 << MemoryNode.HUGE_ORDER;

    private final MemoryNode node;
    private final long total;
    private final Set<Long> heads = new java.util.HashSet<>();
    private long reserved;

    HugetlbPool(MemoryNode node, long total) {
        this.node = node;
        this.total = total;
    }

    /**
     * Forgets pages whose frames have all gone back to the node. It walks every page the pool gave
     * out, so the allocation paths call it only when the pool looks too full for them.
     */
    private void prune() {
        for (Iterator<Long> it = heads.iterator(); it.hasNext();) {
            if (!node.isAllocated(it.next())) {
                it.remove();
            }
        }
    }

    /**
     * Reserves {@code n} pages for a mapping or a file.
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM} when the pool's free pages that are not
     *     reserved cannot cover them
     */
    synchronized void reserve(long n) {
        if (n > total - heads.size() - reserved) {
            prune();
        }
        long available = total - heads.size() - reserved;
        if (n > available) {
            throw Errno.ENOMEM.exception("the hugetlb pool has " + Math.max(0, available) + " of " + total
                    + " huge pages free for " + n + (total == 0 ? " (set hugePages in accelmm.core.memory)" : ""));
        }
        reserved += n;
    }

    /** Gives back {@code n} reserved pages that will not be faulted. */
    synchronized void unreserve(long n) {
        reserved = Math.max(0, reserved - n);
    }

    /**
     * Takes a zeroed huge page, using one of the caller's reservations if {@code reservedFor}.
     *
     * @return the head frame
     * @throws accelmm.api.ErrnoException {@code ENOMEM} when the pool has no page for it, or the
     *     host no 2 MiB of contiguous frames (the kernel's SIGBUS at the fault)
     */
    synchronized long alloc(boolean reservedFor) {
        if (total - heads.size() - reserved + (reservedFor ? 1 : 0) <= 0) {
            prune();
        }
        long free = total - heads.size() - reserved + (reservedFor ? 1 : 0);
        if (free <= 0) {
            throw Errno.ENOMEM.exception("no huge page is free in the hugetlb pool (" + total + " pages)");
        }
        long head = node.allocHuge();
        heads.add(head);
        if (reservedFor) {
            reserved--;
        }
        return head;
    }

    synchronized HugetlbInfo info() {
        prune();
        return new HugetlbInfo(PageSize.PMD_SIZE, total, total - heads.size(), reserved);
    }
}
