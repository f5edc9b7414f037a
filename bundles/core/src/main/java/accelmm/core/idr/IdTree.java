package accelmm.core.idr;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import accelmm.api.idr.IdrEntry;
import accelmm.api.idr.IdrVisitor;
import accelmm.core.concurrent.Handles;
import accelmm.core.fault.FailSite;

/**
 * A radix tree over unsigned 32-bit indices, built of 64-slot array nodes, with a free bitmap in
 * every node: the store behind {@link IdrImpl}, {@link IdaImpl} and {@link XArrayAllocImpl}.
 *
 * <p>A node is an {@code Object[65]}: slots 0..63 hold children (inner nodes) or values (leaves);
 * slot 64 holds the node's {@link Meta}, which only writers read. Readers therefore walk plain
 * arrays, one dependent load per level, and the root's shift tells them where the leaves are.
 *
 * <p>Invariant of the free bitmap: in a leaf, bit i is set iff slot i is empty; in an inner node,
 * bit i is set iff child i is absent or has a set bit itself. The lowest free index at or above a
 * bound is found by following set bits down, so allocation costs O(height) whatever the number of
 * live ids. Nodes are allocated only when a 64-slot block is entered for the first time and freed
 * when it empties, so remove-then-allocate churn allocates nothing.
 *
 * <p>Concurrency: writers must be serialized by the caller. Readers ({@link #get},
 * {@link #nextEntry}, {@link #walk}) take no lock: every slot store is a release store and every
 * slot load an acquire load, and the root and its shift are published together through one
 * volatile field, so a reader sees either the old or the new state of each slot and never a node
 * or value before its construction is complete.
 */
public final class IdTree {
    /** The largest index the tree holds. */
    public static final long MAX_INDEX = 0xFFFF_FFFFL;
    /** Marks a taken slot that holds no object: invisible to lookups and walks, but not free. */
    public static final Object RESERVED = new Object() {
        @Override
        public String toString() {
            return "(reserved)";
        }
    };
    /** {@link #alloc} result: no free index in the range. */
    public static final long NO_SPACE = -1;
    /** {@link #alloc} result: a node could not be allocated. */
    public static final long NO_MEMORY = -2;
    /** {@link #replace} result: the index was not taken. */
    public static final Object ABSENT = new Object();

    static final int BITS = 6;
    static final int FANOUT = 1 << BITS;
    static final int MASK = FANOUT - 1;
    /** Enough levels for 32-bit indices: 6 x 6 bits. */
    static final int MAX_LEVELS = 6;
    /** The most nodes one insert can need: growing a leaf root to the top (5) plus a path (5). */
    static final int MAX_INSERT_NODES = 2 * (MAX_LEVELS - 1);
    private static final int META = FANOUT;
    static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle SIZE = Handles.field(MethodHandles.lookup(), IdTree.class, "size", long.class);

    /** Writer-side bookkeeping of one node. */
    static final class Meta {
        long free = -1L;
        int count;
    }

    /** The root node and the shift of its level, published as one. */
    private record Root(Object[] node, int shift) {
        long capacity() {
            return 1L << (shift + BITS);
        }
    }

    private volatile Root root;
    /** Written by writers only (release), read by anyone (acquire): no fence on the write path. */
    private long size;
    private long nodes;
    private final FailSite failSite;
    private final Object[][] path = new Object[MAX_LEVELS][];
    private int leafDepth;
    private final Object[][] spare = new Object[MAX_INSERT_NODES][];

    /**
     * Creates an empty tree.
     *
     * @param failSite where node allocation asks fault injection; null for never
     */
    public IdTree(FailSite failSite) {
        this.failSite = failSite;
    }

    /** Returns a fresh, empty node. */
    static Object[] newNode() {
        Object[] n = new Object[FANOUT + 1];
        n[META] = new Meta();
        return n;
    }

    static Meta meta(Object[] node) {
        return (Meta) node[META];
    }

    private static int digit(long index, int shift) {
        return (int) (index >>> shift) & MASK;
    }

    /**
     * Returns what is stored at {@code index}: a value, {@link #RESERVED}, or null.
     *
     * <p>Concurrency: lock-free.
     */
    public Object get(long index) {
        Root r = root;
        if (r == null || (index >>> (r.shift + BITS)) != 0) {
            return null;
        }
        Object[] node = r.node;
        for (int shift = r.shift;; shift -= BITS) {
            Object o = SLOT.getAcquire(node, digit(index, shift));
            if (shift == 0 || o == null) {
                return o;
            }
            node = (Object[]) o;
        }
    }

    /** Returns the number of taken indices. Concurrency: an acquire read; exact under the writer lock. */
    public long size() {
        return (long) SIZE.getAcquire(this);
    }

    /** Returns the number of nodes, for footprint reports. Concurrency: writer side. */
    public long nodes() {
        return nodes;
    }

    /** Returns the bytes the nodes take on a 64-bit JVM with compressed references (estimate). */
    public long footprintBytes() {
        long array = 16 + 4L * (FANOUT + 1);
        long meta = 24;
        return nodes * ((array + 7) / 8 * 8 + meta);
    }

    /**
     * Stores {@code value} at the lowest free index in {@code [min, max]}.
     *
     * @param value non-null; use {@link #RESERVED} for a taken-but-empty slot
     * @param min lowest acceptable index, at least 0
     * @param max highest acceptable index, at most {@link #MAX_INDEX}
     * @return the index, {@link #NO_SPACE} or {@link #NO_MEMORY}; on failure nothing changed
     */
    public long alloc(Object value, long min, long max) {
        if (min > max) {
            return NO_SPACE;
        }
        Root r = root;
        long index = min;
        if (r != null) {
            long found = min < r.capacity() ? lowestFree(r.node, r.shift, 0, min, 0) : -1;
            if (found >= 0 && found <= max && leafDepth >= 0) {
                fill(r, leafDepth, found, value);
                return found;
            }
            index = found >= 0 ? found : Math.max(min, r.capacity());
        }
        if (index > max) {
            return NO_SPACE;
        }
        return insert(index, value) ? index : NO_MEMORY;
    }

    /**
     * The lowest free index at or above {@code min} under {@code node}, or -1. Leaves the nodes of
     * the way down in {@link #path}; {@link #leafDepth} is the leaf's depth when the free slot is in
     * an existing leaf, or -1 when it lies under an absent child.
     */
    private long lowestFree(Object[] node, int shift, long base, long min, int depth) {
        path[depth] = node;
        int start = min <= base ? 0 : (int) ((min - base) >>> shift);
        long bits = meta(node).free & (-1L << start);
        while (bits != 0) {
            int i = Long.numberOfTrailingZeros(bits);
            long childBase = base + ((long) i << shift);
            if (shift == 0) {
                leafDepth = depth;
                return childBase;
            }
            Object[] child = (Object[]) node[i];
            if (child == null) {
                leafDepth = -1;
                return Math.max(childBase, min);
            }
            long found = lowestFree(child, shift - BITS, childBase, min, depth + 1);
            if (found >= 0) {
                return found;
            }
            bits &= bits - 1;
        }
        return -1;
    }

    /** Stores a value in a free slot of an existing leaf found by {@link #lowestFree}. */
    private void fill(Root r, int depth, long index, Object value) {
        Object[] leaf = path[depth];
        int d0 = digit(index, 0);
        SLOT.setRelease(leaf, d0, value);
        Meta m = meta(leaf);
        m.count++;
        m.free &= ~(1L << d0);
        for (int level = depth; level > 0 && meta(path[level]).free == 0; level--) {
            int shift = r.shift - (level - 1) * BITS;
            meta(path[level - 1]).free &= ~(1L << digit(index, shift));
        }
        SIZE.setRelease(this, size + 1);
    }

    /** The shift of the smallest root level whose subtree holds {@code index}. */
    private static int shiftFor(long index) {
        int shift = 0;
        while ((index >>> (shift + BITS)) != 0) {
            shift += BITS;
        }
        return shift;
    }

    /** Stores a value at a free index, growing the tree first; all-or-nothing. */
    private boolean insert(long index, Object value) {
        Root r = root;
        int topShift = Math.max(r == null ? 0 : r.shift, shiftFor(index));
        int needed = nodesNeeded(r, topShift, index);
        for (int i = 0; i < needed; i++) {
            Object[] n = takeNode();
            if (n == null) {
                while (i > 0) {
                    spare[--i] = null;
                }
                return false;
            }
            spare[i] = n;
        }
        nodes += needed;
        int used = 0;
        if (r == null) {
            r = new Root(spare[used++], topShift);
            root = r;
        }
        while (r.shift < topShift) {
            Object[] grown = spare[used++];
            Meta m = meta(grown);
            m.count = 1;
            if (meta(r.node).free == 0) {
                m.free &= ~1L;
            }
            grown[0] = r.node;
            r = new Root(grown, r.shift + BITS);
            root = r;
        }
        Object[] node = r.node;
        int depth = 0;
        for (int shift = r.shift; shift > 0; shift -= BITS) {
            path[depth++] = node;
            int d = digit(index, shift);
            Object[] child = (Object[]) node[d];
            if (child == null) {
                child = spare[used++];
                meta(node).count++;
                SLOT.setRelease(node, d, child);
            }
            node = child;
        }
        path[depth] = node;
        fill(r, depth, index, value);
        for (int i = 0; i < used; i++) {
            spare[i] = null;
        }
        return true;
    }

    private static int nodesNeeded(Root r, int topShift, long index) {
        if (r == null) {
            return topShift / BITS + 1;
        }
        int needed = (topShift - r.shift) / BITS;
        for (int shift = topShift; shift > r.shift; shift -= BITS) {
            if (digit(index, shift) != 0) {
                return needed + shift / BITS;
            }
        }
        Object[] node = r.node;
        for (int shift = r.shift; shift > 0; shift -= BITS) {
            Object[] child = (Object[]) node[digit(index, shift)];
            if (child == null) {
                return needed + shift / BITS;
            }
            node = child;
        }
        return needed;
    }

    private Object[] takeNode() {
        Object[] n = NodeReserve.take();
        if (n != null) {
            return n;
        }
        if (failSite != null && failSite.shouldFail()) {
            return null;
        }
        return newNode();
    }

    /**
     * Empties {@code index}.
     *
     * @return what it held (a value or {@link #RESERVED}), or null if it was free
     */
    public Object remove(long index) {
        Root r = root;
        if (r == null || (index >>> (r.shift + BITS)) != 0) {
            return null;
        }
        Object[] node = r.node;
        int depth = 0;
        for (int shift = r.shift; shift > 0; shift -= BITS) {
            path[depth++] = node;
            node = (Object[]) node[digit(index, shift)];
            if (node == null) {
                return null;
            }
        }
        int d0 = digit(index, 0);
        Object old = node[d0];
        if (old == null) {
            return null;
        }
        SLOT.setRelease(node, d0, null);
        Meta leaf = meta(node);
        leaf.count--;
        leaf.free |= 1L << d0;
        boolean emptied = leaf.count == 0;
        for (int level = depth; level > 0; level--) {
            Object[] parent = path[level - 1];
            Meta pm = meta(parent);
            int d = digit(index, r.shift - (level - 1) * BITS);
            long bit = 1L << d;
            boolean hadFree = (pm.free & bit) != 0;
            pm.free |= bit;
            if (emptied) {
                SLOT.setRelease(parent, d, null);
                pm.count--;
                nodes--;
                emptied = pm.count == 0;
            } else if (hadFree) {
                break;
            }
        }
        if (emptied) {
            root = null;
            nodes--;
        }
        SIZE.setRelease(this, size - 1);
        return old;
    }

    /**
     * Replaces what a taken index holds.
     *
     * @return the previous content (a value or {@link #RESERVED}), or {@link #ABSENT} if the index
     *     is free (then nothing changed)
     */
    public Object replace(long index, Object value) {
        Root r = root;
        if (r == null || (index >>> (r.shift + BITS)) != 0) {
            return ABSENT;
        }
        Object[] node = r.node;
        for (int shift = r.shift; shift > 0; shift -= BITS) {
            node = (Object[]) node[digit(index, shift)];
            if (node == null) {
                return ABSENT;
            }
        }
        int d0 = digit(index, 0);
        Object old = node[d0];
        if (old == null) {
            return ABSENT;
        }
        SLOT.setRelease(node, d0, value);
        return old;
    }

    /**
     * Returns the first entry at or above {@code from} that holds a value (not {@link #RESERVED}),
     * with {@code idBase} added to its index, or null.
     *
     * <p>Concurrency: lock-free.
     */
    public IdrEntry<Object> nextEntry(long from, long idBase) {
        Root r = root;
        if (r == null || from < 0 || (from >>> (r.shift + BITS)) != 0) {
            return null;
        }
        return IdNodes.scan(r.node, r.shift, 0, from, idBase);
    }

    /**
     * Visits every taken slot in ascending order, passing {@code index + idBase}; slots holding
     * {@link #RESERVED} are visited only if {@code withReserved}. Stops at the first non-zero
     * visitor result and returns it.
     *
     * <p>Concurrency: lock-free; see the class comment for what a concurrent walk sees.
     */
    public int walk(long idBase, boolean withReserved, IdrVisitor<Object> visitor) {
        Root r = root;
        return r == null ? 0 : IdNodes.walk(r.node, r.shift, idBase, withReserved, visitor);
    }

    /** Forgets every entry and node. Readers still walking old nodes finish on the old contents. */
    public void clear() {
        root = null;
        SIZE.setRelease(this, 0L);
        nodes = 0;
    }

    /**
     * Checks the free-bitmap and count invariants of the whole tree; for tests and {@code mm:check}.
     *
     * @return null if they hold, else a description of the first breach
     */
    public String checkInvariants() {
        Root r = root;
        if (r == null) {
            return size == 0 ? null : "empty tree with size " + size;
        }
        long[] counted = new long[2];
        String err = IdNodes.check(r.node, r.shift, 0, counted);
        if (err == null && counted[0] != size) {
            err = "size " + size + " but " + counted[0] + " entries";
        }
        if (err == null && counted[1] != nodes) {
            err = "nodes " + nodes + " but " + counted[1] + " found";
        }
        return err;
    }
}
