package accelmm.core.mm;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.MremapFlags;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;

/**
 * {@code mremap} ({@code mm/mremap.c}): shrink in place, grow in place when the space after the
 * mapping is free, or move the mapping with its pages (MAYMOVE, FIXED, DONTUNMAP), device pages'
 * reverse maps following them; a hugetlb mapping is {@code EINVAL}, as 6.1.
 *
 * <p>Concurrency: under the address space's mmap lock (write), the page-table lock while entries
 * move, inside an UNMAP invalidation of the old range.
 */
final class Mremap {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private Mremap() {
    }

    static long run(Mm mm, long oldAddr, long oldLength, long newLength, int flags, long newAddr) {
        boolean mayMove = (flags & MremapFlags.MAYMOVE) != 0;
        boolean fixed = (flags & MremapFlags.FIXED) != 0;
        boolean dontUnmap = (flags & MremapFlags.DONTUNMAP) != 0;
        if ((oldAddr & (PAGE - 1)) != 0 || (flags & ~7) != 0 || ((fixed || dontUnmap) && !mayMove)) {
            throw Errno.EINVAL.exception("bad address or flags");
        }
        if (newLength <= 0 || oldLength <= 0) {
            throw Errno.EINVAL.exception("zero length");
        }
        long oldLen = Mm.pageAlignUp(oldLength);
        long newLen = Mm.pageAlignUp(newLength);
        if (dontUnmap && oldLen != newLen) {
            throw Errno.EINVAL.exception("MREMAP_DONTUNMAP cannot change the size");
        }
        if (fixed && ((newAddr & (PAGE - 1)) != 0 || newAddr < Mm.MMAP_MIN || newAddr > AddressSpace.TASK_SIZE - newLen
                || (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen))) {
            throw Errno.EINVAL.exception("bad or overlapping new address");
        }
        mm.lock.writeLock();
        try {
            mm.requireAlive();
            Vma v = mm.vma(oldAddr);
            if (v != null && v.hugetlb) {
                throw Errno.EINVAL.exception(String.format("the hugetlb mapping at 0x%x cannot be remapped", v.start));
            }
            if (v == null || oldAddr + oldLen > v.end) {
                throw Errno.EFAULT.exception(String.format("[0x%x, 0x%x) is not inside one mapping", oldAddr, oldAddr + oldLen));
            }
            if (dontUnmap && !v.privateAnon()) {
                throw Errno.EINVAL.exception("MREMAP_DONTUNMAP needs private anonymous memory");
            }
            mm.counters().inc(Counter.MREMAP);
            if (fixed) {
                mm.unmapRange(newAddr, newAddr + newLen);
                return move(mm, oldAddr, oldLen, newAddr, newLen, dontUnmap);
            }
            if (newLen <= oldLen && !dontUnmap) {
                if (newLen < oldLen) {
                    mm.unmapRange(oldAddr + newLen, oldAddr + oldLen);
                }
                return oldAddr;
            }
            long grow = newLen - oldLen;
            if (!dontUnmap && oldAddr + oldLen == v.end && v.end <= AddressSpace.TASK_SIZE - grow && !mm.overlaps(v.end, v.end + grow)) {
                v.end += grow;
                return oldAddr;
            }
            if (!mayMove) {
                throw Errno.ENOMEM.exception("cannot grow in place and MREMAP_MAYMOVE is not set");
            }
            return move(mm, oldAddr, oldLen, mm.findGap(newLen), newLen, dontUnmap);
        } finally {
            mm.lock.writeUnlock();
        }
    }

    /** Moves [oldAddr, oldAddr + oldLen) to newAddr with its pages. Holds the mmap write mm.lock. */
    private static long move(Mm mm, long oldAddr, long oldLen, long newAddr, long newLen, boolean dontUnmap) {
        mm.notifiers.invalidateStart(new NotifierRange(oldAddr, oldAddr + oldLen, NotifierEvent.UNMAP, true, null));
        try {
            return moveQuietly(mm, oldAddr, oldLen, newAddr, newLen, dontUnmap);
        } finally {
            mm.notifiers.invalidateEnd();
        }
    }

    private static long moveQuietly(Mm mm, long oldAddr, long oldLen, long newAddr, long newLen, boolean dontUnmap) {
        mm.splitAt(oldAddr);
        mm.splitAt(oldAddr + oldLen);
        Vma old = mm.vmas.get(oldAddr);
        Vma moved = old.slice(oldAddr, oldAddr + oldLen);
        moved.start = newAddr;
        moved.end = newAddr + newLen;
        if (moved.file != null) {
            moved.file.addMapping();
        }
        long keep = Math.min(oldLen, newLen);
        long delta = (newAddr - oldAddr) >> PageSize.PAGE_SHIFT;
        mm.ptl.lock();
        try {
            List<long[]> ptes = new ArrayList<>();
            mm.pt.forEach(oldAddr >>> PageSize.PAGE_SHIFT, (oldAddr + keep) >>> PageSize.PAGE_SHIFT,
                    (vpn, pte) -> ptes.add(new long[] {vpn, pte}));
            for (long[] e : ptes) {
                int pte = (int) e[1];
                mm.pt.clear(e[0]);
                mm.pt.set(e[0] + delta, pte);
                if (Pte.isDevice(pte)) {
                    Pagemaps.Pagemap pm = mm.pagemaps().get(Pte.deviceSlot(pte));
                    pm.moved(pm.pfnOf(pte), mm, e[0], e[0] + delta);
                }
            }
        } finally {
            mm.ptl.unlock();
        }
        mm.vmas.put(newAddr, moved);
        if (dontUnmap) {
            return newAddr;
        }
        mm.zap(oldAddr, oldAddr + oldLen);
        mm.vmas.remove(oldAddr);
        if (old.file != null) {
            old.file.dropMapping();
        }
        return newAddr;
    }
}
