package accelmm.api.lockdep;

import java.util.Arrays;

/**
 * The locks one thread holds, innermost last, with how often each is held (reentrant locks).
 *
 * <p>Concurrency: used only by its thread.
 */
final class HeldLocks {
    Object[] locks = new Object[8];
    LockClass[] classes = new LockClass[8];
    int[] subclasses = new int[8];
    boolean[] reads = new boolean[8];
    int[] counts = new int[8];
    int depth;

    int indexOf(Object lock) {
        for (int i = depth - 1; i >= 0; i--) {
            if (locks[i] == lock) {
                return i;
            }
        }
        return -1;
    }

    void push(Object lock, LockClass cls, int subclass, boolean read) {
        if (depth == locks.length) {
            int n = depth * 2;
            locks = Arrays.copyOf(locks, n);
            classes = Arrays.copyOf(classes, n);
            subclasses = Arrays.copyOf(subclasses, n);
            reads = Arrays.copyOf(reads, n);
            counts = Arrays.copyOf(counts, n);
        }
        locks[depth] = lock;
        classes[depth] = cls;
        subclasses[depth] = subclass;
        reads[depth] = read;
        counts[depth] = 1;
        depth++;
    }

    void remove(int i) {
        int tail = depth - i - 1;
        System.arraycopy(locks, i + 1, locks, i, tail);
        System.arraycopy(classes, i + 1, classes, i, tail);
        System.arraycopy(subclasses, i + 1, subclasses, i, tail);
        System.arraycopy(reads, i + 1, reads, i, tail);
        System.arraycopy(counts, i + 1, counts, i, tail);
        depth--;
        locks[depth] = null;
        classes[depth] = null;
    }

    String describe() {
        if (depth == 0) {
            return "no locks";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            b.append(i == 0 ? "" : ", ").append(Lockdep.name(classes[i], subclasses[i])).append(reads[i] ? " (read)" : "");
        }
        return b.toString();
    }
}
