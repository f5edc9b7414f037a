package accelmm.core.idr;

import accelmm.api.idr.IdrEntry;
import accelmm.api.idr.IdrVisitor;

/**
 * The recursive walks over an {@link IdTree}'s nodes: the lock-free ascending scans that lookups
 * and visits make (slots read with acquire, so a walk sees each slot as it was at some moment),
 * and the invariant check of a quiet tree.
 *
 * <p>Concurrency: {@link #scan} and {@link #walk} take no lock; {@link #check} is for a quiet tree.
 */
final class IdNodes {
    private IdNodes() {
    }

    static IdrEntry<Object> scan(Object[] node, int shift, long base, long from, long idBase) {
        int start = from <= base ? 0 : (int) ((from - base) >>> shift);
        for (int i = start; i < IdTree.FANOUT; i++) {
            Object o = IdTree.SLOT.getAcquire(node, i);
            if (o == null) {
                continue;
            }
            long childBase = base + ((long) i << shift);
            if (shift == 0) {
                if (o != IdTree.RESERVED) {
                    return new IdrEntry<>(childBase + idBase, o);
                }
            } else {
                IdrEntry<Object> e = scan((Object[]) o, shift - IdTree.BITS, childBase, from, idBase);
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    static int walk(Object[] node, int shift, long base, boolean withReserved,
            IdrVisitor<Object> visitor) {
        for (int i = 0; i < IdTree.FANOUT; i++) {
            Object o = IdTree.SLOT.getAcquire(node, i);
            if (o == null) {
                continue;
            }
            long childBase = base + ((long) i << shift);
            int result;
            if (shift == 0) {
                result = o == IdTree.RESERVED && !withReserved ? 0 : visitor.visit(childBase, o);
            } else {
                result = walk((Object[]) o, shift - IdTree.BITS, childBase, withReserved, visitor);
            }
            if (result != 0) {
                return result;
            }
        }
        return 0;
    }

    static String check(Object[] node, int shift, long base, long[] counted) {
        counted[1]++;
        IdTree.Meta m = IdTree.meta(node);
        int children = 0;
        for (int i = 0; i < IdTree.FANOUT; i++) {
            Object o = node[i];
            boolean free;
            if (o == null) {
                free = true;
            } else if (shift == 0) {
                children++;
                counted[0]++;
                free = false;
            } else {
                children++;
                Object[] child = (Object[]) o;
                String err = check(child, shift - IdTree.BITS, base + ((long) i << shift), counted);
                if (err != null) {
                    return err;
                }
                if (IdTree.meta(child).count == 0) {
                    return "empty node kept at index " + (base + ((long) i << shift));
                }
                free = IdTree.meta(child).free != 0;
            }
            if (free != ((m.free >>> i & 1) != 0)) {
                return "free bit " + i + " wrong at shift " + shift + " base " + base;
            }
        }
        return children == m.count ? null : "count " + m.count + " but " + children + " slots used";
    }
}
