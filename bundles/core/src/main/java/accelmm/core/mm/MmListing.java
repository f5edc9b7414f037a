package accelmm.core.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import accelmm.api.PageSize;
import accelmm.api.mm.VmaInfo;

/**
 * What an address space shows: its mappings ({@code /proc/PID/maps}), and the counts the memory checks and reports read.
 *
 * <p>Concurrency: as each method says; the mmap lock and the page-table lock are the address
 * space's ({@link Mm}).
 */
final class MmListing {
    private static final long PAGE = accelmm.api.PageSize.PAGE_SIZE;

    private MmListing() {
    }

    static VmaInfo vmaLookup(Mm m, long addr) {
        m.lock.readLock();
        try {
            Vma v = m.find(addr);
            return v == null ? null : info(m, v);
        } finally {
            m.lock.readUnlock();
        }
    }

    static List<VmaInfo> vmas(Mm m, long start, long end) {
        List<VmaInfo> out = new ArrayList<>();
        // Unsigned, as the kernel's addresses: an end past 2^63 reaches every mapping.
        long last = end < 0 ? Long.MAX_VALUE : end;
        if (start < 0 || last <= start) {
            return out;
        }
        m.lock.readLock();
        try {
            Map.Entry<Long, Vma> below = m.vmas.lowerEntry(start);
            if (below != null && below.getValue().end > start) {
                out.add(info(m, below.getValue()));
            }
            for (Vma v : m.vmas.subMap(start, true, last, false).values()) {
                out.add(info(m, v));
            }
            return out;
        } finally {
            m.lock.readUnlock();
        }
    }

    static VmaInfo info(Mm m, Vma v) {
        return new VmaInfo(v.start, v.end, v.prot, v.shared, v.name(), v.file == null ? 0 : v.pgoff << PageSize.PAGE_SHIFT, -1,
                v.hugetlb);
    }

    static List<VmaInfo> maps(Mm m) {
        m.lock.readLock();
        try {
            List<VmaInfo> out = new ArrayList<>();
            m.ptl.lock();
            try {
                for (Vma v : m.vmas.values()) {
                    long[] resident = new long[1];
                    m.pt.forEach(v.start >>> PageSize.PAGE_SHIFT, v.end >>> PageSize.PAGE_SHIFT, (vpn, pte) -> resident[0]++);
                    out.add(new VmaInfo(v.start, v.end, v.prot, v.shared, v.name(),
                            v.file == null ? 0 : v.pgoff << PageSize.PAGE_SHIFT, resident[0], v.hugetlb));
                }
            } finally {
                m.ptl.unlock();
            }
            return out;
        } finally {
            m.lock.readUnlock();
        }
    }

    /** Adds one to {@code expected[pfn]} for each frame a PTE of this address space maps. */
    static void countMappings(Mm m, long[] expected) {
        m.lock.readLock();
        try {
            m.ptl.lock();
            try {
                m.pt.forEach(0, Mm.TASK_SIZE >>> PageSize.PAGE_SHIFT, (vpn, pte) -> {
                    if (Pte.hasFrame(pte)) {
                        expected[(int) Pte.pfn(pte)]++;
                    }
                });
            } finally {
                m.ptl.unlock();
            }
        } finally {
            m.lock.readUnlock();
        }
    }

    /** Adds the files this address space maps to {@code files}. */
    static void collectFiles(Mm m, java.util.Set<FileObject> files) {
        m.lock.readLock();
        try {
            for (Vma v : m.vmas.values()) {
                if (v.file != null) {
                    files.add(v.file);
                }
            }
        } finally {
            m.lock.readUnlock();
        }
    }

    /** Returns the number of mappings, of mapped bytes and of resident pages. */
    static long[] size(Mm m) {
        m.lock.readLock();
        try {
            long bytes = 0;
            for (Vma v : m.vmas.values()) {
                bytes += v.end - v.start;
            }
            m.ptl.lock();
            try {
                return new long[] {m.vmas.size(), bytes, m.pt.entries()};
            } finally {
                m.ptl.unlock();
            }
        } finally {
            m.lock.readUnlock();
        }
    }

    /** Returns the page table's bytes (footprint reports). */
    static long pageTableBytes(Mm m) {
        m.ptl.lock();
        try {
            return m.pt.footprintBytes();
        } finally {
            m.ptl.unlock();
        }
    }
}
