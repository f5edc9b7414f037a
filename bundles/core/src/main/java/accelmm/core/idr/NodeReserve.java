package accelmm.core.idr;

import java.util.ArrayDeque;

import accelmm.api.idr.Preload;

/**
 * The per-thread node reserve behind {@code idr_preload}: while a scope is open, tree inserts on
 * this thread take their nodes from here first, so the next insert cannot fail for want of memory.
 *
 * <p>Concurrency: confined to one thread by a {@link ThreadLocal}; nothing is shared. The reserve is
 * dropped when the outermost scope closes, so no node outlives its scope on a pooled thread.
 */
final class NodeReserve {
    private static final ThreadLocal<NodeReserve> CURRENT = new ThreadLocal<>();

    private final ArrayDeque<Object[]> nodes = new ArrayDeque<>(IdTree.MAX_INSERT_NODES);
    private int depth;

    private NodeReserve() {
    }

    /** Opens a scope on this thread and tops the reserve up to one full insertion's worth. */
    static Preload open() {
        NodeReserve r = CURRENT.get();
        if (r == null) {
            r = new NodeReserve();
            CURRENT.set(r);
        }
        r.depth++;
        while (r.nodes.size() < IdTree.MAX_INSERT_NODES) {
            r.nodes.push(IdTree.newNode());
        }
        NodeReserve owner = r;
        return new Preload() {
            private boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    owner.leave();
                }
            }
        };
    }

    private void leave() {
        if (--depth == 0) {
            nodes.clear();
            CURRENT.remove();
        }
    }

    /** Takes a reserved node, or returns null when no scope is open or the reserve is spent. */
    static Object[] take() {
        NodeReserve r = CURRENT.get();
        return r == null ? null : r.nodes.poll();
    }
}
