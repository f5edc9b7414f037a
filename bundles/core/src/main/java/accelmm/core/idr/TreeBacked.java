package accelmm.core.idr;

/**
 * What the three registry kinds share: one {@link IdTree} and the calls that only count or empty
 * it.
 *
 * <p>Concurrency: subclasses serialize their writers on {@code this}; {@link #destroy} does too.
 */
public abstract class TreeBacked {
    /** The store; writers hold this object's monitor. */
    protected final IdTree tree;

    /** Creates the store. */
    protected TreeBacked(IdTree tree) {
        this.tree = tree;
    }

    /** Returns the number of taken ids. */
    public long count() {
        return tree.size();
    }

    /** Returns true if no id is taken. */
    public boolean isEmpty() {
        return tree.size() == 0;
    }

    /** Frees every id. */
    public synchronized void destroy() {
        tree.clear();
    }

    /** Returns the tree, for listings. */
    IdTree tree() {
        return tree;
    }
}
