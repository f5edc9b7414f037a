package accelmm.core.mm;

/**
 * A CPU page table: virtual page number to PTE ({@link Pte}), as a radix tree of 64-slot levels.
 *
 * <p>A leaf covering 64 pages is an {@code int[65]} (64 PTEs and a count of present entries) once
 * it holds two or more entries; a leaf with a single entry is an {@code int[2]} of (index, PTE). Dense
 * memory so costs a little over 4 bytes per page, and scattered pages (one per 2 MiB) cost one small
 * array each plus their share of the level above.
 *
 * <p>Concurrency: not thread-safe; the owning address space serializes access with its page-table
 * lock.
 */
final class PageTable {
    private static final int BITS = 6;
    private static final int FANOUT = 1 << BITS;
    private static final int MASK = FANOUT - 1;
    /** Inner levels above the leaves: with 6 bits each, virtual page numbers below 2^36. */
    private static final int LEVELS = 5;
    private static final int COUNT = FANOUT;

    private final Object[] root = new Object[FANOUT];
    private final Object[][] path = new Object[LEVELS + 1][];
    private long entries;
    private long leaves;
    private long singles;
    private long inner = 1;

    /** The slot of {@code vpn} in an inner node of level {@code level} (1 holds leaves). */
    private static int digit(long vpn, int level) {
        return (int) (vpn >>> (BITS * level)) & MASK;
    }

    /** Returns the PTE of {@code vpn}, or 0 when none. */
    int get(long vpn) {
        if ((vpn >>> (BITS * (LEVELS + 1))) != 0) {
            return 0;
        }
        Object[] node = root;
        for (int level = LEVELS; level > 1; level--) {
            node = (Object[]) node[digit(vpn, level)];
            if (node == null) {
                return 0;
            }
        }
        int[] leaf = (int[]) node[digit(vpn, 1)];
        if (leaf == null) {
            return 0;
        }
        int i = (int) vpn & MASK;
        if (leaf.length == 2) {
            return leaf[0] == i ? leaf[1] : 0;
        }
        return leaf[i];
    }

    /** Sets the PTE of {@code vpn} to a non-zero value. */
    void set(long vpn, int pte) {
        if (pte == 0 || (vpn >>> (BITS * (LEVELS + 1))) != 0) {
            throw new IllegalArgumentException("bad PTE " + pte + " or vpn " + vpn);
        }
        Object[] node = root;
        for (int level = LEVELS; level > 1; level--) {
            int d = digit(vpn, level);
            Object[] next = (Object[]) node[d];
            if (next == null) {
                next = new Object[FANOUT];
                node[d] = next;
                inner++;
            }
            node = next;
        }
        int d = digit(vpn, 1);
        int i = (int) vpn & MASK;
        int[] leaf = (int[]) node[d];
        if (leaf == null) {
            node[d] = new int[] {i, pte};
            singles++;
            entries++;
            return;
        }
        if (leaf.length == 2) {
            if (leaf[0] == i) {
                leaf[1] = pte;
                return;
            }
            int[] dense = new int[FANOUT + 1];
            dense[leaf[0]] = leaf[1];
            dense[i] = pte;
            dense[COUNT] = 2;
            node[d] = dense;
            singles--;
            leaves++;
            entries++;
            return;
        }
        if (leaf[i] == 0) {
            leaf[COUNT]++;
            entries++;
        }
        leaf[i] = pte;
    }

    /** Removes the PTE of {@code vpn} and returns it (0 if there was none). */
    int clear(long vpn) {
        if ((vpn >>> (BITS * (LEVELS + 1))) != 0) {
            return 0;
        }
        Object[] node = root;
        for (int level = LEVELS; level > 1; level--) {
            path[level] = node;
            node = (Object[]) node[digit(vpn, level)];
            if (node == null) {
                return 0;
            }
        }
        int d = digit(vpn, 1);
        int i = (int) vpn & MASK;
        int[] leaf = (int[]) node[d];
        if (leaf == null) {
            return 0;
        }
        int old;
        boolean empty;
        if (leaf.length == 2) {
            if (leaf[0] != i) {
                return 0;
            }
            old = leaf[1];
            empty = true;
            singles--;
        } else {
            old = leaf[i];
            if (old == 0) {
                return 0;
            }
            leaf[i] = 0;
            empty = --leaf[COUNT] == 0;
            if (empty) {
                leaves--;
            }
        }
        entries--;
        if (empty) {
            node[d] = null;
            for (int level = 2; level <= LEVELS && isEmpty(node); level++) {
                path[level][digit(vpn, level)] = null;
                inner--;
                node = path[level];
            }
        }
        return old;
    }

    private static boolean isEmpty(Object[] node) {
        for (Object o : node) {
            if (o != null) {
                return false;
            }
        }
        return true;
    }

    /** Visits the present PTEs with {@code from <= vpn < to} in ascending order. */
    void forEach(long from, long to, PteVisitor visitor) {
        walk(root, LEVELS, 0, from, to, visitor);
    }

    private static void walk(Object[] node, int level, long base, long from, long to, PteVisitor visitor) {
        long span = 1L << (BITS * level);
        int first = (int) Math.max(0, Math.min(FANOUT, (from - base) / span));
        for (int d = first; d < FANOUT; d++) {
            long childBase = base + d * span;
            if (childBase >= to) {
                return;
            }
            Object next = node[d];
            if (next == null || childBase + span <= from) {
                continue;
            }
            if (level > 1) {
                walk((Object[]) next, level - 1, childBase, from, to, visitor);
                continue;
            }
            int[] leaf = (int[]) next;
            if (leaf.length == 2) {
                long vpn = childBase + leaf[0];
                if (vpn >= from && vpn < to) {
                    visitor.visit(vpn, leaf[1]);
                }
                continue;
            }
            for (int i = 0; i < FANOUT; i++) {
                long vpn = childBase + i;
                if (leaf[i] != 0 && vpn >= from && vpn < to) {
                    visitor.visit(vpn, leaf[i]);
                }
            }
        }
    }

    /** Returns the number of present PTEs. */
    long entries() {
        return entries;
    }

    /**
     * Returns the bytes of the table on a 64-bit JVM with compressed references: inner nodes
     * (16 + 64 x 4), dense leaves (16 + 65 x 4) and single-entry leaves (16 + 2 x 4).
     */
    long footprintBytes() {
        return inner * (16 + FANOUT * 4) + leaves * (16 + (FANOUT + 1) * 4) + singles * 24;
    }

    /** Receives PTEs from {@link #forEach}. */
    @FunctionalInterface
    interface PteVisitor {
        /** Visits one present PTE. */
        void visit(long vpn, int pte);
    }
}
