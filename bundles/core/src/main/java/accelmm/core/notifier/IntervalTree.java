package accelmm.core.notifier;

/**
 * An intrusive interval tree of closed intervals {@code [start, last]}: an AVL tree ordered by
 * (start, serial) whose nodes also carry the largest {@code last} of their subtree and of their
 * left subtree, and are threaded in order by a {@code next} link. An overlap query
 * descends once to the first interval starting inside the range, visiting on the way the few
 * intervals that start before it and reach into it, then follows the thread: O(log n + k) nodes,
 * the k hits one link apart, and nothing allocated. Insert and remove are O(log n).
 *
 * <p>Concurrency: not thread-safe; queries may run concurrently with each other but not with
 * changes (the owner defers changes while queries run).
 *
 * @param <N> the node type
 */
public final class IntervalTree<N extends IntervalTree.Node> {
    /** A tree node; subclasses are the stored objects. */
    public abstract static class Node {
        final long start;
        final long last;
        long serial;
        long maxLast;
        long leftMaxLast = Long.MIN_VALUE;
        int height;
        Node left;
        Node right;
        Node next;
        boolean linked;

        /** Creates a node for the closed interval {@code [start, last]} (unsigned compare is the caller's concern). */
        protected Node(long start, long last) {
            this.start = start;
            this.last = last;
        }

        /** Returns true while the node is in a tree. */
        public boolean linked() {
            return linked;
        }
    }

    /** Receives the nodes of an overlap query. */
    @FunctionalInterface
    public interface Visitor<N> {
        /** Visits one overlapping node. */
        void visit(N node);
    }

    private Node root;
    private long size;
    private long nextSerial;

    /** Returns the number of nodes. */
    public long size() {
        return size;
    }

    /** Inserts a node that is in no tree. */
    public void insert(N node) {
        if (node.linked) {
            throw new IllegalStateException("node already in a tree");
        }
        node.serial = nextSerial++;
        node.left = null;
        node.right = null;
        node.height = 1;
        node.maxLast = node.last;
        node.leftMaxLast = Long.MIN_VALUE;
        node.linked = true;
        Node pred = predecessor(node);
        node.next = pred != null ? pred.next : leftmost(root);
        if (pred != null) {
            pred.next = node;
        }
        root = insert(root, node);
        size++;
    }

    private static int cmp(Node a, Node b) {
        int c = Long.compare(a.start, b.start);
        return c != 0 ? c : Long.compare(a.serial, b.serial);
    }

    private static Node insert(Node at, Node node) {
        if (at == null) {
            return node;
        }
        if (cmp(node, at) < 0) {
            at.left = insert(at.left, node);
        } else {
            at.right = insert(at.right, node);
        }
        return balance(at);
    }

    /** Removes a node of this tree. */
    public void remove(N node) {
        if (!node.linked) {
            throw new IllegalStateException("node not in a tree");
        }
        Node pred = predecessor(node);
        root = remove(root, node);
        if (pred != null) {
            pred.next = node.next;
        }
        node.linked = false;
        node.left = null;
        node.right = null;
        node.next = null;
        size--;
    }

    /** The node before {@code node} in tree order, whether or not {@code node} is in the tree yet. */
    private Node predecessor(Node node) {
        if (node.left != null) {
            Node p = node.left;
            while (p.right != null) {
                p = p.right;
            }
            return p;
        }
        Node pred = null;
        for (Node at = root; at != null && at != node; ) {
            if (cmp(node, at) < 0) {
                at = at.left;
            } else {
                pred = at;
                at = at.right;
            }
        }
        return pred;
    }

    private static Node leftmost(Node n) {
        while (n != null && n.left != null) {
            n = n.left;
        }
        return n;
    }

    private static Node remove(Node at, Node node) {
        if (at == null) {
            throw new IllegalStateException("node not found in the tree");
        }
        int c = cmp(node, at);
        if (c < 0) {
            at.left = remove(at.left, node);
        } else if (c > 0) {
            at.right = remove(at.right, node);
        } else {
            if (at.left == null) {
                return at.right;
            }
            if (at.right == null) {
                return at.left;
            }
            Node min = at.right;
            while (min.left != null) {
                min = min.left;
            }
            min.right = removeMin(at.right);
            min.left = at.left;
            return balance(min);
        }
        return balance(at);
    }

    private static Node removeMin(Node at) {
        if (at.left == null) {
            return at.right;
        }
        at.left = removeMin(at.left);
        return balance(at);
    }

    private static int height(Node n) {
        return n == null ? 0 : n.height;
    }

    private static void update(Node n) {
        n.height = 1 + Math.max(height(n.left), height(n.right));
        n.leftMaxLast = n.left == null ? Long.MIN_VALUE : n.left.maxLast;
        long m = Math.max(n.last, n.leftMaxLast);
        if (n.right != null && n.right.maxLast > m) {
            m = n.right.maxLast;
        }
        n.maxLast = m;
    }

    private static Node rotateRight(Node n) {
        Node l = n.left;
        n.left = l.right;
        l.right = n;
        update(n);
        update(l);
        return l;
    }

    private static Node rotateLeft(Node n) {
        Node r = n.right;
        n.right = r.left;
        r.left = n;
        update(n);
        update(r);
        return r;
    }

    private static Node balance(Node n) {
        update(n);
        int b = height(n.left) - height(n.right);
        if (b > 1) {
            if (height(n.left.left) < height(n.left.right)) {
                n.left = rotateLeft(n.left);
            }
            return rotateRight(n);
        }
        if (b < -1) {
            if (height(n.right.right) < height(n.right.left)) {
                n.right = rotateRight(n.right);
            }
            return rotateLeft(n);
        }
        return n;
    }

    /** Visits every node whose interval overlaps {@code [start, last]}, in start order. */
    @SuppressWarnings("unchecked")
    public void overlapping(long start, long last, Visitor<? super N> visitor) {
        Visitor<Node> v = (Visitor<Node>) (Visitor<?>) visitor;
        for (Node n = descend(start, v); n != null && n.start <= last; n = n.next) {
            v.visit(n);
        }
    }

    /** Returns true if some node overlaps {@code [start, last]}, without visiting the others. */
    public boolean anyOverlapping(long start, long last) {
        Node first = descend(start, null);
        return first == REACHES || first != null && first.start <= last;
    }

    /** What {@link #descend} answers, without a visitor, when some node starts before the point and reaches it. */
    private static final Node REACHES = new Node(0, 0) { };

    /**
     * Follows the search path of {@code start}, visiting in order the nodes that start before it
     * and reach it (or, without a visitor, answering {@link #REACHES} at the first), and returns
     * the first node that starts at or after it.
     */
    private Node descend(long start, Visitor<Node> v) {
        Node first = null;
        for (Node n = root; n != null; ) {
            if (n.start >= start) {
                first = n;
                n = n.left;
                continue;
            }
            if (v == null && (n.leftMaxLast >= start || n.last >= start)) {
                return REACHES;
            }
            if (n.leftMaxLast >= start) {
                reaching(n.left, start, v);
            }
            if (n.last >= start) {
                v.visit(n);
            }
            n = n.right;
        }
        return first;
    }

    /** Visits, in order, the nodes of a subtree that all start before {@code start} and end at or after it. */
    private static void reaching(Node n, long start, Visitor<Node> visitor) {
        while (n != null && n.maxLast >= start) {
            reaching(n.left, start, visitor);
            if (n.last >= start) {
                visitor.visit(n);
            }
            n = n.right;
        }
    }

    /** Checks ordering, heights and the max-last augmentation; null if consistent (tests). */
    public String checkInvariants() {
        long[] count = new long[1];
        String err = check(root, count);
        if (err != null) {
            return err;
        }
        if (count[0] != size) {
            return "size " + size + " but " + count[0] + " nodes";
        }
        return checkThread();
    }

    /** The thread must list every node once, in tree order. */
    private String checkThread() {
        long count = 0;
        for (Node n = leftmost(root); n != null; n = n.next) {
            count++;
            if (n.next != null && cmp(n, n.next) >= 0) {
                return "thread broken after " + n.start;
            }
        }
        return count == size ? null : "thread holds " + count + " of " + size + " nodes";
    }

    private static String check(Node n, long[] count) {
        if (n == null) {
            return null;
        }
        count[0]++;
        if (n.left != null && cmp(n.left, n) >= 0 || n.right != null && cmp(n.right, n) <= 0) {
            return "order broken at " + n.start;
        }
        String err = check(n.left, count);
        if (err == null) {
            err = check(n.right, count);
        }
        if (err != null) {
            return err;
        }
        long m = Math.max(n.last, Math.max(n.left == null ? Long.MIN_VALUE : n.left.maxLast,
                n.right == null ? Long.MIN_VALUE : n.right.maxLast));
        long leftMax = n.left == null ? Long.MIN_VALUE : n.left.maxLast;
        if (m != n.maxLast || leftMax != n.leftMaxLast || n.height != 1 + Math.max(height(n.left), height(n.right))
                || Math.abs(height(n.left) - height(n.right)) > 1) {
            return "augmentation or balance broken at " + n.start;
        }
        return null;
    }
}
