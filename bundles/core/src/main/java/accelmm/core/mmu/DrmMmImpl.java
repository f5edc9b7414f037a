package accelmm.core.mmu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import accelmm.api.Errno;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.DrmMmNode;

/**
 * {@link DrmMm} over a sorted map of nodes; holes are the gaps between neighbours. A search walks
 * the holes in address order (or backwards for {@link DrmMm.Mode#HIGH}), applies the colour-adjust
 * callback, then the range and alignment, as {@code drm_mm_insert_node_in_range} does. Every
 * address, size and alignment is an unsigned 64-bit number, as the kernel's {@code u64}: a
 * manager may span {@code [0, U64_MAX)} and an alignment may be up to 2^63.
 *
 * <p>Concurrency: every call synchronizes on the allocator.
 */
public final class DrmMmImpl implements DrmMm {
    private final long start;
    private final long end;
    private final ColorAdjust colorAdjust;
    private final TreeMap<Long, DrmMmNode> nodes = new TreeMap<>(Long::compareUnsigned);

    /**
     * Manages {@code [start, start + size)} ({@code drm_mm_init}).
     *
     * @param colorAdjust the colour-adjust callback, or null
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an empty or wrapping range
     */
    public DrmMmImpl(long start, long size, ColorAdjust colorAdjust) {
        if (size == 0 || Long.compareUnsigned(start + size, start) <= 0) {
            throw Errno.EINVAL.exception("bad drm_mm range " + Long.toUnsignedString(start) + " + " + Long.toUnsignedString(size));
        }
        this.start = start;
        this.end = start + size;
        this.colorAdjust = colorAdjust;
    }

    /** The hole after {@code before} (null: the start of the range), as {before, start, end}. */
    private long[] hole(DrmMmNode before, DrmMmNode after) {
        long hs = before == null ? start : before.end();
        long he = after == null ? end : after.start();
        return new long[] {hs, he};
    }

    private List<DrmMmNode[]> holes(boolean backwards) {
        List<DrmMmNode[]> out = new ArrayList<>();
        DrmMmNode prev = null;
        for (DrmMmNode n : nodes.values()) {
            out.add(new DrmMmNode[] {prev, n});
            prev = n;
        }
        out.add(new DrmMmNode[] {prev, null});
        if (backwards) {
            java.util.Collections.reverse(out);
        }
        return out;
    }

    @Override
    public synchronized DrmMmNode insertNode(long size, long alignment, long color, long rangeStart, long rangeEnd, Mode mode) {
        if (size == 0 || Long.compareUnsigned(rangeEnd - rangeStart, size) < 0) {
            throw Errno.ENOSPC.exception("no room for " + Long.toUnsignedString(size) + " units");
        }
        long align = Long.compareUnsigned(alignment, 1) <= 0 ? 0 : alignment;
        DrmMmNode best = null;
        long bestHole = -1L;
        for (DrmMmNode[] h : holes(mode == Mode.HIGH)) {
            long[] raw = hole(h[0], h[1]);
            if (Long.compareUnsigned(raw[1] - raw[0], size) < 0) {
                continue;
            }
            long[] col = colorAdjust == null ? raw : colorAdjust.adjust(h[0], color, raw[0], raw[1]);
            long lo = Long.compareUnsigned(col[0], rangeStart) >= 0 ? col[0] : rangeStart;
            long hi = Long.compareUnsigned(col[1], rangeEnd) <= 0 ? col[1] : rangeEnd;
            if (Long.compareUnsigned(hi, lo) <= 0 || Long.compareUnsigned(hi - lo, size) < 0) {
                continue;
            }
            long at = mode == Mode.HIGH ? hi - size : lo;
            if (align != 0) {
                long rem = Long.remainderUnsigned(at, align);
                if (rem != 0) {
                    at -= rem;
                    if (mode != Mode.HIGH) {
                        at += align;
                    }
                    // Unsigned: a step past 2^64 wraps below lo; a step past hi must not make
                    // hi - at wrap into a large room.
                    if (Long.compareUnsigned(at, lo) < 0 || Long.compareUnsigned(at, hi) > 0
                            || Long.compareUnsigned(hi - at, size) < 0) {
                        continue;
                    }
                }
            }
            DrmMmNode n = new DrmMmNode(at, size, color);
            if (mode != Mode.BEST) {
                nodes.put(at, n);
                return n;
            }
            if (Long.compareUnsigned(raw[1] - raw[0], bestHole) < 0) {
                best = n;
                bestHole = raw[1] - raw[0];
            }
        }
        if (best == null) {
            throw Errno.ENOSPC.exception("no hole fits " + Long.toUnsignedString(size) + " units aligned to "
                    + Long.toUnsignedString(alignment));
        }
        nodes.put(best.start(), best);
        return best;
    }

    @Override
    public synchronized DrmMmNode reserveNode(long nodeStart, long size, long color) {
        long nodeEnd = nodeStart + size;
        if (size == 0 || Long.compareUnsigned(nodeEnd, nodeStart) <= 0 || Long.compareUnsigned(nodeStart, start) < 0
                || Long.compareUnsigned(nodeEnd, end) > 0) {
            throw Errno.ENOSPC.exception("cannot reserve [" + Long.toUnsignedString(nodeStart) + ", " + Long.toUnsignedString(nodeEnd) + ")");
        }
        Map.Entry<Long, DrmMmNode> before = nodes.floorEntry(nodeStart);
        DrmMmNode prev = before == null ? null : before.getValue();
        if (prev != null && Long.compareUnsigned(prev.end(), nodeStart) > 0) {
            throw Errno.ENOSPC.exception("[" + nodeStart + ", " + nodeEnd + ") overlaps a node");
        }
        Map.Entry<Long, DrmMmNode> after = nodes.higherEntry(nodeStart);
        long[] raw = hole(prev, after == null ? null : after.getValue());
        long[] col = colorAdjust == null ? raw : colorAdjust.adjust(prev, color, raw[0], raw[1]);
        if (Long.compareUnsigned(col[0], nodeStart) > 0 || Long.compareUnsigned(col[1], nodeEnd) < 0) {
            throw Errno.ENOSPC.exception("[" + nodeStart + ", " + nodeEnd + ") does not fit its hole");
        }
        DrmMmNode n = new DrmMmNode(nodeStart, size, color);
        nodes.put(nodeStart, n);
        return n;
    }

    @Override
    public synchronized void removeNode(DrmMmNode node) {
        if (node == null || !node.equals(nodes.get(node.start()))) {
            throw Errno.ENOENT.exception("not a node of this allocator: " + node);
        }
        nodes.remove(node.start());
    }

    @Override
    public synchronized List<DrmMmNode> nodes() {
        return new ArrayList<>(nodes.values());
    }
}
