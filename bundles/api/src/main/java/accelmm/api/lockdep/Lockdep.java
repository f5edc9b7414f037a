package accelmm.api.lockdep;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock-order checker in the spirit of the kernel's lockdep: every tracked lock records, per
 * thread, which locks were held when it was taken; each such pair is an order between two
 * {@link LockClass}es. The first acquisition that closes a cycle in those orders (A before B here,
 * B before A somewhere else, possibly through other classes) is a possible deadlock even if no run
 * ever hit it: it is reported once, with the stack of this acquisition and the stacks at which
 * each order of the reverse path was first seen. Taking a second lock of a class already held
 * (without a nesting subclass) and upgrading a read lock to a write lock are reported too.
 *
 * <p>Waits count as acquisitions: a thread that waits for the holders of a class to finish (an
 * interval notifier's {@code readBegin} waits for the invalidation in progress, whose callbacks take
 * device locks) calls {@link #waitFor}, so that waiting while holding a lock those holders take is
 * reported like taking it.
 *
 * <p>Off unless the system property {@code accelmm.lockdep} is {@code true} or {@link #setEnabled}
 * turned it on; when off, each acquisition costs one volatile read.
 *
 * <p>Concurrency: thread-safe. Held locks are per thread; the order graph is shared by every
 * bundle of the host (it lives in the api bundle), so the core's locks and the drivers' are
 * checked against each other.
 */
public final class Lockdep {
    private static final Logger LOG = LoggerFactory.getLogger(Lockdep.class);
    private static final int KEEP_REPORTS = 64;

    private static volatile boolean enabled = Boolean.getBoolean("accelmm.lockdep");
    /** Whether checking was ever on: until it is, no thread has anything recorded to release. */
    private static volatile boolean everEnabled = enabled;

    private static final ThreadLocal<HeldLocks> HELD = ThreadLocal.withInitial(HeldLocks::new);
    /** Orders seen (from key to key), with where each was first seen. */
    private static final Map<Long, Throwable> ORDERS = new ConcurrentHashMap<>();
    /** Guarded by itself: the orders as adjacency sets, for the cycle search. */
    private static final Map<Integer, Set<Integer>> GRAPH = new HashMap<>();
    private static final Map<Integer, LockClass> CLASSES = new ConcurrentHashMap<>();
    private static final Set<Long> REPORTED = ConcurrentHashMap.newKeySet();
    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();
    private static final AtomicLong REPORT_COUNT = new AtomicLong();

    private Lockdep() {
    }

    /** Returns whether acquisitions are checked. */
    public static boolean enabled() {
        return enabled;
    }

    /**
     * Turns checking on or off. Locks taken while it was off are not known to it; their releases
     * are ignored.
     */
    public static void setEnabled(boolean on) {
        if (on) {
            everEnabled = true;
        }
        enabled = on;
    }

    /**
     * Records that the current thread is about to take {@code lock} (before it blocks).
     *
     * @param lock the lock object: a second acquisition of the same object is reentrant
     * @param cls its class
     * @param subclass 0, or a nesting level below {@link LockClass#MAX_SUBCLASS} for a second lock
     *     of the same class taken in a fixed order (the kernel's {@code SINGLE_DEPTH_NESTING})
     * @param read true for the shared side of a read-write lock
     * @param trylock true for an attempt that does not block: it adds no order, but later
     *     acquisitions order after it
     */
    public static void acquire(Object lock, LockClass cls, int subclass, boolean read, boolean trylock) {
        if (!enabled) {
            return;
        }
        HeldLocks held = HELD.get();
        int at = held.indexOf(lock);
        if (at >= 0) {
            if (held.reads[at] && !read && !trylock) {
                report(key(cls, subclass) * 31L, "read lock upgraded to a write lock",
                        Thread.currentThread().getName() + " takes " + name(cls, subclass)
                                + " for writing while it holds it for reading: it waits for itself",
                        held);
            }
            held.counts[at]++;
            return;
        }
        if (subclass < 0 || subclass >= LockClass.MAX_SUBCLASS) {
            throw new IllegalArgumentException("subclass " + subclass + " outside 0.." + (LockClass.MAX_SUBCLASS - 1));
        }
        CLASSES.putIfAbsent(cls.id(), cls);
        if (!trylock) {
            int to = key(cls, subclass);
            for (int i = 0; i < held.depth; i++) {
                int from = key(held.classes[i], held.subclasses[i]);
                if (from == to) {
                    report(-1L - to, "possible recursive locking",
                            Thread.currentThread().getName() + " takes a second " + name(cls, subclass)
                                    + " lock while it holds one; two threads taking two of them in opposite order deadlock",
                            held);
                } else {
                    order(from, to, held);
                }
            }
        }
        held.push(lock, cls, subclass, read);
    }

    /** Records that the current thread released {@code lock} (once per {@link #acquire}). */
    public static void release(Object lock) {
        if (!everEnabled) {
            return;
        }
        HeldLocks held = HELD.get();
        if (held.depth == 0) {
            return;
        }
        int at = held.indexOf(lock);
        if (at >= 0 && --held.counts[at] == 0) {
            held.remove(at);
        }
    }

    /**
     * Records a wait for whatever holders of {@code cls} do: the order "held locks before
     * {@code cls}" is checked as if the thread took and released a lock of that class.
     */
    public static void waitFor(LockClass cls) {
        if (!enabled) {
            return;
        }
        acquire(cls, cls, 0, false, false);
        release(cls);
    }

    /** Returns whether the current thread holds {@code lock} (as far as the checker knows). */
    public static boolean held(Object lock) {
        return HELD.get().indexOf(lock) >= 0;
    }

    /** Returns how many reports were made since the start. */
    public static long reportCount() {
        return REPORT_COUNT.get();
    }

    /** Returns the most recent reports (at most 64), oldest first, each with its stacks. */
    public static List<String> reports() {
        return List.copyOf(REPORTS);
    }

    /** Returns how many orders between classes are known. */
    public static int orders() {
        return ORDERS.size();
    }

    /** Describes the locks the current thread holds, outermost first. */
    public static String heldByCurrentThread() {
        return HELD.get().describe();
    }

    private static int key(LockClass cls, int subclass) {
        return cls.id() * LockClass.MAX_SUBCLASS + subclass;
    }

    static String name(LockClass cls, int subclass) {
        return subclass == 0 ? cls.name() : cls.name() + "/" + subclass;
    }

    private static String name(int key) {
        LockClass c = CLASSES.get(key / LockClass.MAX_SUBCLASS);
        return name(c, key % LockClass.MAX_SUBCLASS);
    }

    private static long edge(int from, int to) {
        return ((long) from << 32) | (to & 0xffffffffL);
    }

    private static void order(int from, int to, HeldLocks held) {
        long e = edge(from, to);
        if (ORDERS.containsKey(e)) {
            return;
        }
        List<Integer> path;
        synchronized (GRAPH) {
            if (ORDERS.containsKey(e)) {
                return;
            }
            path = path(to, from);
            if (path == null) {
                GRAPH.computeIfAbsent(from, k -> new HashSet<>()).add(to);
                ORDERS.put(e, new Throwable("first seen"));
                return;
            }
        }
        long pair = Math.min(from, to) * 1_000_003L + Math.max(from, to);
        StringBuilder reverse = new StringBuilder();
        for (int i = 0; i + 1 < path.size(); i++) {
            int a = path.get(i);
            int b = path.get(i + 1);
            reverse.append("\n  ").append(name(a)).append(" -> ").append(name(b)).append(", first taken in this order at:");
            Throwable t = ORDERS.get(edge(a, b));
            if (t != null) {
                appendStack(reverse, t.getStackTrace());
            }
        }
        report(pair, "possible circular locking dependency",
                Thread.currentThread().getName() + " takes " + name(to) + " while it holds " + name(from)
                        + ", but the reverse order was seen before:" + reverse,
                held);
    }

    /** A path of orders from {@code start} to {@code goal}, or null. Holds the graph's lock. */
    private static List<Integer> path(int start, int goal) {
        Map<Integer, Integer> parent = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(start);
        parent.put(start, start);
        while (!queue.isEmpty()) {
            int at = queue.poll();
            if (at == goal) {
                List<Integer> out = new ArrayList<>();
                for (int n = goal; ; n = parent.get(n)) {
                    out.add(0, n);
                    if (n == start) {
                        return out;
                    }
                }
            }
            for (int next : GRAPH.getOrDefault(at, Set.of())) {
                if (parent.putIfAbsent(next, at) == null) {
                    queue.add(next);
                }
            }
        }
        return null;
    }

    private static void report(long once, String kind, String what, HeldLocks held) {
        if (!REPORTED.add(once)) {
            return;
        }
        StringBuilder b = new StringBuilder("lockdep: ").append(kind).append(": ").append(what);
        b.append("\n  held by ").append(Thread.currentThread().getName()).append(": ").append(held.describe());
        b.append("\n  this acquisition:");
        appendStack(b, new Throwable().getStackTrace());
        String text = b.toString();
        REPORT_COUNT.incrementAndGet();
        REPORTS.add(text);
        while (REPORTS.size() > KEEP_REPORTS) {
            REPORTS.remove(0);
        }
        LOG.warn("{}", text);
    }

    /** The checker's own frames, left out of the stacks it shows. */
    private static boolean own(String cls) {
        return cls.equals(Lockdep.class.getName()) || cls.equals(TrackedLock.class.getName())
                || cls.equals(TrackedRwLock.class.getName());
    }

    private static void appendStack(StringBuilder b, StackTraceElement[] stack) {
        int shown = 0;
        for (StackTraceElement e : stack) {
            if (own(e.getClassName())) {
                continue;
            }
            b.append("\n      at ").append(e);
            if (++shown == 24) {
                b.append("\n      ...");
                break;
            }
        }
    }
}
