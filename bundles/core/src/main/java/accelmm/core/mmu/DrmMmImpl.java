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
 * callback, then the range and alignment, as {@code drm_mm_insert_node_in_range} does.
 *
 * <p>Concurrency: every call synchronizes on the allocator.
 */
public final class DrmMmImpl implements DrmMm {
    private final long start;
    private final long end;
    private final ColorAdjust colorAdjust;
    private final TreeMap<Long, DrmMmNode> nodes = new TreeMap<>();

    /**
     * Manages {@code [start, start + size)} ({@code drm_mm_init}).
     *
     * @param colorAdjust the colour-adjust callback, or null
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an empty or wrapping range
     */
    public DrmMmImpl(long start, long size, ColorAdjust colorAdjust) {
        if (size <= 0 || start < 0 || start + size < start) {
            throw Errno.EINVAL.exception("bad drm_mm range " + start + " + " + size);
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
        if (size <= 0 || rangeEnd - rangeStart < size) {
            throw Errno.ENOSPC.exception("no room for " + size + " units");
        }
        long align = alignment <= 1 ? 0 : alignment;
        DrmMmNode best = null;
        long bestHole = Long.MAX_VALUE;
        for (DrmMmNode[] h : holes(mode == Mode.HIGH)) {
            long[] raw = hole(h[0], h[1]);
            if (raw[1] - raw[0] < size) {
                continue;
            }
            long[] col = colorAdjust == null ? raw : colorAdjust.adjust(h[0], color, raw[0], raw[1]);
            long lo = Math.max(col[0], rangeStart);
            long hi = Math.min(col[1], rangeEnd);
            if (hi <= lo || hi - lo < size) {
                continue;
            }
            long at = mode == Mode.HIGH ? hi - size : lo;
            if (align != 0) {
                long rem = Math.floorMod(at, align);
                if (rem != 0) {
                    at -= rem;
                    if (mode != Mode.HIGH) {
                        at += align;
                    }
                    if (at < lo || hi - at < size) {
                        continue;
                    }
                }
            }
            DrmMmNode n = new DrmMmNode(at, size, color);
            if (mode != Mode.BEST) {
                nodes.put(at, n);
                return n;
            }
            if (raw[1] - raw[0] < bestHole) {
                best = n;
                bestHole = raw[1] - raw[0];
            }
        }
        if (best == null) {
            throw Errno.ENOSPC.exception("no hole fits " + size + " units aligned to " + alignment);
        }
        nodes.put(best.start(), best);
        return best;
    }

    @Override
    public synchronized DrmMmNode reserveNode(long nodeStart, long size, long color) {
        long nodeEnd = nodeStart + size;
        if (size <= 0 || nodeEnd <= nodeStart || nodeStart < start || nodeEnd > end) {
            throw Errno.ENOSPC.exception("cannot reserve [" + nodeStart + ", " + nodeEnd + ")");
        }
        Map.Entry<Long, DrmMmNode> before = nodes.floorEntry(nodeStart);
        DrmMmNode prev = before == null ? null : before.getValue();
        if (prev != null && prev.end() > nodeStart) {
            throw Errno.ENOSPC.exception("[" + nodeStart + ", " + nodeEnd + ") overlaps a node");
        }
        Map.Entry<Long, DrmMmNode> after = nodes.higherEntry(nodeStart);
        long[] raw = hole(prev, after == null ? null : after.getValue());
        long[] col = colorAdjust == null ? raw : colorAdjust.adjust(prev, color, raw[0], raw[1]);
        if (col[0] > nodeStart || col[1] < nodeEnd) {
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
