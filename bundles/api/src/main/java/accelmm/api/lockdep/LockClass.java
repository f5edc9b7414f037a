package accelmm.api.lockdep;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A class of locks, as the kernel's {@code lock_class_key}: every mmap lock is one class, every
 * device lock another. The checker learns the order between classes, not between lock objects, so
 * one run of each path is enough to find an inversion that two instances could deadlock on.
 *
 * <p>Classes are interned by name, so a driver bundle that is updated gets back the classes of the
 * version it replaces.
 *
 * <p>Concurrency: immutable; {@link #of} is thread-safe.
 */
public final class LockClass {
    /** Nested acquisitions of one class a thread may take, each with its own subclass. */
    public static final int MAX_SUBCLASS = 8;

    private static final ConcurrentMap<String, LockClass> BY_NAME = new ConcurrentHashMap<>();
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private final int id;

    private LockClass(String name, int id) {
        this.name = name;
        this.id = id;
    }

    /**
     * Returns the class named {@code name}, created on first use.
     *
     * @throws IllegalArgumentException for an empty name
     */
    public static LockClass of(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a lock class needs a name");
        }
        return BY_NAME.computeIfAbsent(name, n -> new LockClass(n, IDS.getAndIncrement()));
    }

    /** Returns the name. */
    public String name() {
        return name;
    }

    int id() {
        return id;
    }

    @Override
    public String toString() {
        return name;
    }
}
