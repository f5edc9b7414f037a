package accelmm.core.mm;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.Prot;
import accelmm.api.mm.SharedFile;

/**
 * mmap and its checks ({@code mm/mmap.c}): the flags, placement, hugetlb rules and the new mapping.
 *
 * <p>Concurrency: as each method says; the mmap lock and the page-table lock are the address
 * space's ({@link Mm}).
 */
final class Mmap {
    private static final long PAGE = accelmm.api.PageSize.PAGE_SIZE;

    private Mmap() {
    }

    static long mmap(Mm m, long addr, long length, int prot, int flags, SharedFile file, long offset, boolean writeAccess) {
        if ((flags & MapFlags.ANONYMOUS) != 0) {
            throw Errno.EINVAL.exception("MAP_ANONYMOUS with a file");
        }
        if (!(file instanceof FileObject f) || f.released()) {
            throw Errno.EBADF.exception("no such open file");
        }
        if ((offset & (PAGE - 1)) != 0 || offset < 0) {
            throw Errno.EINVAL.exception("offset " + offset + " is not page aligned");
        }
        boolean mayWrite = f.writable() && writeAccess;
        if ((flags & MapFlags.SHARED) != 0 && (prot & Prot.WRITE) != 0 && !mayWrite) {
            throw Errno.EACCES.exception(f.name() + (f.writable() ? " is open read-only" : " is read-only"));
        }
        return map(m, addr, length, prot, flags, f, offset >>> PageSize.PAGE_SHIFT, mayWrite);
    }

    /** Maps and populates if asked; {@code mayWrite} false keeps a shared mapping read-only for good. */
    static long map(Mm m, long addr, long length, int prot, int flags, FileObject file, long pgoff, boolean mayWrite) {
        long start = mapLocked(m, addr, length, prot, flags, file, pgoff, mayWrite);
        if ((flags & MapFlags.POPULATE) != 0) {
            // As vm_mmap_pgoff: MAP_POPULATE runs after the mmap lock is dropped, so it may reclaim;
            // it is best effort: the mapping stands, later accesses fault again.
            long end = start + ((length + PAGE - 1) & PageSize.PAGE_MASK);
            boolean write = (prot & Prot.WRITE) != 0 && (flags & MapFlags.SHARED) == 0;
            try {
                m.reclaiming((end - start) / PAGE, () -> Populate.populateRange(m, start, end, write));
            } catch (ErrnoException e) {
                // The mapping changed meanwhile, or memory ran out: nothing to report.
            }
        }
        return start;
    }

    static long mapLocked(Mm m, long addr, long length, int prot, int flags, FileObject file, long pgoff, boolean mayWrite) {
        if ((flags & ~MapFlags.VALID) != 0 || (prot & ~Prot.ALL) != 0
                || (flags & MapFlags.HUGE_MASK) != 0 && (flags & MapFlags.HUGETLB) == 0) {
            throw Errno.EINVAL.exception("unknown flags 0x" + Integer.toHexString(flags) + " or prot " + prot);
        }
        boolean shared = (flags & MapFlags.SHARED) != 0;
        if (shared == ((flags & MapFlags.PRIVATE) != 0)) {
            throw Errno.EINVAL.exception("exactly one of MAP_SHARED and MAP_PRIVATE is needed");
        }
        if (length == 0) {
            throw Errno.EINVAL.exception("length 0");
        }
        boolean huge = hugetlbMapping(m, flags, file, pgoff);
        long len = huge ? (length + PageSize.PMD_SIZE - 1) & -PageSize.PMD_SIZE : Mm.pageAlignUp(length);
        if (len > Mm.TASK_SIZE || length < 0 || len <= 0) {
            throw Errno.ENOMEM.exception("length " + length + " exceeds the address space");
        }
        boolean fixed = (flags & (MapFlags.FIXED | MapFlags.FIXED_NOREPLACE)) != 0;
        if (fixed && huge && (addr & (PageSize.PMD_SIZE - 1)) != 0) {
            throw Errno.EINVAL.exception(String.format("a hugetlb mapping at 0x%x is not 2 MiB aligned", addr));
        }
        if (huge && (addr & (PageSize.PMD_SIZE - 1)) != 0) {
            addr = 0;
        }
        if (fixed) {
            if ((addr & (PAGE - 1)) != 0) {
                throw Errno.EINVAL.exception(String.format("fixed address 0x%x is not page aligned", addr));
            }
            if (addr < Mm.MMAP_MIN) {
                throw Errno.EPERM.exception(String.format("0x%x is below mmap_min_addr", addr));
            }
            if (addr > Mm.TASK_SIZE - len) {
                throw Errno.ENOMEM.exception(String.format("0x%x + %d is beyond the address space", addr, len));
            }
        }
        m.lock.writeLock();
        try {
            m.checkAlive();
            long start;
            if (fixed) {
                if ((flags & MapFlags.FIXED_NOREPLACE) != 0 && m.overlaps(addr, addr + len)) {
                    throw Errno.EEXIST.exception(String.format("[0x%x, 0x%x) is already mapped", addr, addr + len));
                }
                start = addr;
            } else if (addr >= Mm.MMAP_MIN && (addr & (PAGE - 1)) == 0 && addr <= Mm.TASK_SIZE - len
                    && !m.overlaps(addr, addr + len)) {
                start = addr;
            } else {
                start = findGap(m, len);
            }
            if (fixed) {
                checkHugetlbSplit(m, start, start + len);
            }
            FileObject backing = file;
            long off = pgoff;
            if (backing == null && shared) {
                backing = huge ? new FileObject("anon_hugepage", len, true, false, m.node, m.counters, m.hugetlb)
                        : new FileObject("[shmem]", len, true, false, m.node, m.counters);
                off = 0;
            } else if (huge && !shared) {
                // hugetlb_reserve_pages: a private mapping owns a reservation for each of its pages.
                m.hugetlb.reserve(len / PageSize.PMD_SIZE);
            }
            if (fixed) {
                Unmap.unmapRange(m, start, start + len);
            }
            Vma v = new Vma(start, start + len, prot, shared, backing, off);
            v.hugetlb = huge;
            v.hugeResvOwner = huge && !shared;
            v.mayWrite = mayWrite;
            if (backing != null) {
                backing.addMapping();
            }
            m.vmas.put(start, v);
            m.counters.inc(Counter.MMAP);
            return start;
        } finally {
            m.lock.writeUnlock();
        }
    }

    /**
     * Whether a new mapping is hugetlb: {@code MAP_HUGETLB} of the 2 MiB size (or the default), or
     * any mapping of a hugetlbfs file, at an offset of whole huge pages.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for another huge page size, MAP_HUGETLB of
     *     a file not on hugetlbfs, or a hugetlbfs offset that is not 2 MiB aligned
     */
    static boolean hugetlbMapping(Mm m, int flags, FileObject file, long pgoff) {
        if ((flags & MapFlags.HUGETLB) != 0) {
            int log = (flags & MapFlags.HUGE_MASK) >>> MapFlags.HUGE_SHIFT;
            if (log != 0 && log != PageSize.PMD_SHIFT) {
                throw Errno.EINVAL.exception("no hugetlb pool of 2^" + log + "-byte pages (only 2 MiB)");
            }
            if (file != null && !file.huge()) {
                throw Errno.EINVAL.exception("MAP_HUGETLB of " + file.name() + ", which is not on hugetlbfs");
            }
        }
        if (file != null && file.huge() && (pgoff & (HugetlbPool.PAGES - 1)) != 0) {
            throw Errno.EINVAL.exception("offset " + (pgoff << PageSize.PAGE_SHIFT) + " into " + file.name()
                    + " is not a whole number of 2 MiB pages");
        }
        return (flags & MapFlags.HUGETLB) != 0 || file != null && file.huge();
    }

    /**
     * Refuses to split a hugetlb mapping at other than a 2 MiB boundary ({@code hugetlb_vm_op_split}),
     * before anything changes. Holds the mmap lock.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL}
     */
    static void checkHugetlbSplit(Mm m, long start, long end) {
        for (long at : new long[] {start, end}) {
            Vma v = m.find(at);
            if (v != null && v.hugetlb && v.start != at && (at & (PageSize.PMD_SIZE - 1)) != 0) {
                throw Errno.EINVAL.exception(String.format("0x%x would split the hugetlb mapping at 0x%x inside a huge page",
                        at, v.start));
            }
        }
    }

    /** The highest free range of {@code len} bytes below {@link #MMAP_BASE}, 2 MiB aligned when that large. */
    static long findGap(Mm m, long len) {
        long align = len >= PageSize.PMD_SIZE ? PageSize.PMD_SIZE : PAGE;
        long hi = Mm.MMAP_BASE;
        for (Vma v : m.vmas.descendingMap().values()) {
            if (v.start >= hi) {
                continue;
            }
            if (v.end <= hi && hi - v.end >= len) {
                long cand = (hi - len) & ~(align - 1);
                if (cand >= v.end) {
                    return cand;
                }
            }
            hi = Math.min(hi, v.start);
        }
        long cand = (hi - len) & ~(align - 1);
        if (hi - len < Mm.MMAP_MIN || cand < Mm.MMAP_MIN) {
            throw Errno.ENOMEM.exception("no free range of " + len + " bytes");
        }
        return cand;
    }
}
