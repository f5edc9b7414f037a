package accelmm.core.dma;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.dma.SgEntry;
import accelmm.api.dma.SgTable;

/**
 * Building scatter-gather tables ({@code lib/scatterlist.c}).
 *
 * <p>Concurrency: stateless.
 */
public final class Scatterlist {
    /** The segment limit of {@code sg_alloc_table_from_pages}: UINT_MAX rounded down to a page. */
    public static final long SG_MAX_SEGMENT = 0xFFFF_FFFFL & PageSize.PAGE_MASK;

    private Scatterlist() {
    }

    /**
     * {@code sg_alloc_table_from_pages_segment}: merges pages with consecutive frame numbers into
     * one entry while it stays within {@code maxSegment}; {@code offset} applies to the first page,
     * {@code size} is the total length (the last entry is trimmed).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} if {@code maxSegment} rounded down to a page is
     *     0, or the pages cannot hold {@code offset + size} bytes, or the size is not positive
     */
    public static SgTable fromPages(long[] pfns, int offset, long size, long maxSegment) {
        return append(null, pfns, offset, size, maxSegment);
    }

    /**
     * {@code sg_alloc_append_table_from_pages}: like {@link #fromPages}, appending to {@code prev}.
     * As the kernel's, the leading new pages that continue the last entry physically (the frame
     * after its end) merge into it while it stays within {@code maxSegment}, each as a whole page
     * whatever {@code size} says; {@code size} then trims only the entries made after them.
     *
     * @param prev the table to append to; null for a new one
     * @throws accelmm.api.ErrnoException as {@link #fromPages}; {@code EINVAL} for a non-zero
     *     {@code offset} when appending
     */
    public static SgTable append(SgTable prev, long[] pfns, int offset, long size, long maxSegment) {
        long maxSeg = maxSegment & PageSize.PAGE_MASK;
        if (maxSeg == 0) {
            throw Errno.EINVAL.exception("max segment " + maxSegment + " is below one page");
        }
        if (size <= 0 || offset < 0 || offset >= PageSize.PAGE_SIZE || pfns.length == 0
                || offset + size > pfns.length * PageSize.PAGE_SIZE) {
            throw Errno.EINVAL.exception(pfns.length + " pages cannot hold " + size + " bytes at offset " + offset);
        }
        List<SgEntry> out = new ArrayList<>(prev == null ? List.of() : prev.entries());
        long left = size;
        int i = 0;
        if (!out.isEmpty()) {
            if (offset != 0) {
                throw Errno.EINVAL.exception("an append must start at a page boundary");
            }
            SgEntry last = out.get(out.size() - 1);
            long nextPfn = last.pfn() + (last.offset() + last.length()) / PageSize.PAGE_SIZE;
            long grown = last.length();
            while (i < pfns.length && pfns[i] == nextPfn + i && grown + PageSize.PAGE_SIZE <= maxSeg) {
                grown += PageSize.PAGE_SIZE;
                i++;
            }
            out.set(out.size() - 1, new SgEntry(last.pfn(), last.offset(), grown, -1));
        }
        int first = offset;
        while (left > 0 && i < pfns.length) {
            int j = i + 1;
            while (j < pfns.length && pfns[j] == pfns[j - 1] + 1 && (long) (j - i + 1) * PageSize.PAGE_SIZE <= maxSeg) {
                j++;
            }
            long len = Math.min((long) (j - i) * PageSize.PAGE_SIZE - first, left);
            out.add(new SgEntry(pfns[i], first, len, -1));
            left -= len;
            first = 0;
            i = j;
        }
        return new SgTable(out, out.size());
    }

    /**
     * The DMA-only table habanalabs exports for device memory ({@code alloc_sgt_from_device_pages}):
     * entries carry DMA addresses only. Device pages larger than the segment limit are split;
     * physically contiguous pages are merged while the entry stays within it; the total is clipped
     * to {@code exportSize}.
     *
     * @param pageAddrs the device pages' bus addresses
     * @throws accelmm.api.ErrnoException {@code EINVAL} if the limit rounded down to a page is 0, or
     *     the export size is not positive or larger than the pages
     */
    public static SgTable dmaOnlyFromDevicePages(long[] pageAddrs, long pageSize, long exportSize, long dmaMaxSegSize) {
        long maxSeg = dmaMaxSegSize & PageSize.PAGE_MASK;
        if (maxSeg == 0) {
            throw Errno.EINVAL.exception("DMA max segment " + dmaMaxSegSize + " is below one page");
        }
        if (exportSize <= 0 || pageAddrs.length == 0 || exportSize > pageAddrs.length * pageSize) {
            throw Errno.EINVAL.exception("export size " + exportSize + " does not fit " + pageAddrs.length + " pages");
        }
        List<SgEntry> out = new ArrayList<>();
        long left = exportSize;
        if (pageSize > maxSeg) {
            for (long page : pageAddrs) {
                for (long off = 0; off < pageSize && left > 0; off += maxSeg) {
                    long len = Math.min(Math.min(maxSeg, pageSize - off), left);
                    out.add(new SgEntry(-1, 0, len, page + off));
                    left -= len;
                }
            }
        } else {
            int i = 0;
            while (i < pageAddrs.length && left > 0) {
                long start = pageAddrs[i];
                long chunk = pageSize;
                int j = i + 1;
                while (j < pageAddrs.length && pageAddrs[j] == start + chunk && chunk + pageSize <= maxSeg) {
                    chunk += pageSize;
                    j++;
                }
                long len = Math.min(chunk, left);
                out.add(new SgEntry(-1, 0, len, start));
                left -= len;
                i = j;
            }
        }
        return new SgTable(out, 0);
    }
}
