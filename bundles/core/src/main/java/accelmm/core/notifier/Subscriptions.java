package accelmm.core.notifier;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.Errno;
import accelmm.api.lockdep.LockClass;
import accelmm.api.lockdep.Lockdep;
import accelmm.api.notifier.IntervalNotifier;
import accelmm.api.notifier.IntervalNotifierOps;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierInfo;
import accelmm.api.notifier.NotifierRange;

/**
 * The interval notifiers of one address space and their sequence ({@code mmu_notifier_subscriptions}).
 *
 * <p>The protocol, as in {@code mm/mmu_notifier.c}: {@link #seq} is even when no invalidation that
 * touches a notifier is running and odd while one is. An invalidation that overlaps a notifier makes
 * it odd and hands it to the callbacks, which store it in their notifiers; when the last running
 * invalidation ends, it becomes even again, and inserts and removes that arrived meanwhile (kept
 * aside so the tree never changes under a running invalidation) take effect; waiters wake up.
 *
 * <p>Concurrency: the counters, the tree's shape and the deferred list are guarded by {@link #lock};
 * callbacks run without it. Several invalidations may run at once.
 */
public final class Subscriptions {
    /**
     * The invalidation callbacks as one pseudo-lock, as the kernel's
     * {@code __mmu_notifier_invalidate_range_start_map}: held while callbacks run, waited for by
     * {@code readBegin} and by a removal. A thread that waits for it while holding a lock a callback
     * takes is reported.
     */
    public static final LockClass INVALIDATION = LockClass.of("mmu_notifier_invalidate");

    /** The calling thread's invalidation walk, reused so that an invalidation allocates nothing. */
    private static final ThreadLocal<Walk> WALK = ThreadLocal.withInitial(Walk::new);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final IntervalTree<Subscription> tree = new IntervalTree<>();
    private final List<Subscription> deferred = new ArrayList<>();
    /** Written under {@link #lock}; read without it by {@link #readBegin}'s fast path. */
    private volatile long seq = 2;
    private int active;
    private boolean released;
    private final Listener listener;

    /** Hears of every invalidation that reached at least one notifier. */
    @FunctionalInterface
    public interface Listener {
        /** One invalidation ran {@code callbacks} callbacks. */
        void invalidated(long callbacks);
    }

    /** Creates an empty set of notifiers whose invalidations nobody counts. */
    public Subscriptions() {
        this(c -> { });
    }

    /** Creates an empty set of notifiers reporting invalidations to {@code listener}. */
    public Subscriptions(Listener listener) {
        this.listener = listener;
    }

    /**
     * Inserts a notifier ({@code mmu_interval_notifier_insert}).
     *
     * @param start the first address, unsigned
     * @param length the length in bytes, unsigned
     * @throws accelmm.api.ErrnoException {@code EOVERFLOW} for a zero length or an interval that
     *     wraps past 2^64; {@code EINVAL} for null ops or once the address space is released
     */
    public IntervalNotifier insert(long start, long length, IntervalNotifierOps ops) {
        // Unsigned, as check_add_overflow(start, length - 1, &last): a test driver mirrors the whole
        // user range with start 0 and length ULONG_MAX & PAGE_MASK.
        if (length == 0 || Long.compareUnsigned(start + (length - 1), start) < 0) {
            throw Errno.EOVERFLOW.exception("interval of " + Long.toUnsignedString(length) + " bytes at 0x"
                    + Long.toHexString(start) + " is empty or wraps");
        }
        if (ops == null) {
            throw Errno.EINVAL.exception("no notifier ops");
        }
        Subscription sub = new Subscription(this, start, start + (length - 1), ops);
        lock.lock();
        try {
            if (released) {
                throw Errno.EINVAL.exception("the address space has exited");
            }
            if (active > 0) {
                if ((seq & 1) != 0) {
                    sub.deferred = true;
                    deferred.add(sub);
                } else {
                    seq |= 1;
                    tree.insert(sub);
                }
                sub.setSeq(seq);
            } else {
                sub.setSeq(seq - 1);
                tree.insert(sub);
            }
        } finally {
            lock.unlock();
        }
        return sub;
    }

    /**
     * {@code mmu_interval_read_begin}: the notifier's sequence, once no invalidation that already
     * reached it is running. The kernel reads both sequences under the subscriptions' spinlock; here
     * the usual case takes no lock. The notifier's sequence is read first (acquire): a callback
     * stores the odd global sequence there with release after the global store, so if the notifier
     * holds the odd sequence that is still current, the read of the global one sees it and the
     * call waits under the lock, as the kernel's; any other answer is either from before the
     * invalidation reached the notifier (its callback will change the sequence, and
     * {@code readRetry} sees that) or from one that has ended.
     */
    long readBegin(Subscription sub) {
        Lockdep.waitFor(INVALIDATION);
        long fast = sub.seq();
        long now = seq;
        if (fast != now || (now & 1) == 0) {
            return fast;
        }
        lock.lock();
        try {
            long s = sub.seq();
            while (s == seq && (seq & 1) != 0) {
                changed.awaitUninterruptibly();
            }
            return s;
        } finally {
            lock.unlock();
        }
    }

    void remove(Subscription sub) {
        if (WALK.get().busy) {
            throw new IllegalStateException("an interval notifier cannot be removed from an invalidate callback");
        }
        Lockdep.waitFor(INVALIDATION);
        lock.lock();
        try {
            if (sub.removed) {
                return;
            }
            sub.removed = true;
            if ((seq & 1) == 0 || active == 0) {
                if (sub.deferred) {
                    deferred.remove(sub);
                } else {
                    tree.remove(sub);
                }
                return;
            }
            if (sub.deferred) {
                deferred.remove(sub);
                sub.deferred = false;
                return;
            }
            sub.deferred = true;
            deferred.add(sub);
            long waitFor = seq;
            while (seq == waitFor) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts an invalidation ({@code invalidate_range_start}): every notifier overlapping
     * {@code range} gets its callback, and the sequence stays odd until {@link #invalidateEnd()},
     * which the caller must call after changing the page table.
     *
     * @throws accelmm.api.ErrnoException {@code EAGAIN} if a callback refused a non-blockable range;
     *     the invalidation is then already ended
     */
    public void invalidateStart(NotifierRange range) {
        long cur;
        lock.lock();
        try {
            active++;
            if (tree.anyOverlapping(range.start(), range.end() - 1)) {
                seq |= 1;
            }
            cur = seq;
        } finally {
            lock.unlock();
        }
        boolean refused;
        Lockdep.acquire(INVALIDATION, INVALIDATION, 0, false, !range.blockable());
        try {
            refused = (cur & 1) != 0 && callAll(range, cur);
        } catch (RuntimeException e) {
            invalidateEnd();
            throw e;
        } finally {
            Lockdep.release(INVALIDATION);
        }
        if (refused) {
            invalidateEnd();
            throw Errno.EAGAIN.exception("a notifier refused a non-blockable invalidation");
        }
    }

    /** Runs a whole invalidation with nothing to change in between (tests, device events). */
    public void invalidate(NotifierRange range) {
        invalidateStart(range);
        invalidateEnd();
    }

    private boolean callAll(NotifierRange range, long cur) {
        Walk walk = WALK.get();
        if (walk.busy) {
            walk = new Walk();
        }
        walk.start(range, cur);
        try {
            tree.overlapping(range.start(), range.end() - 1, walk);
        } finally {
            walk.busy = false;
            walk.range = null;
        }
        listener.invalidated(walk.calls);
        return walk.refused;
    }

    /**
     * One invalidation's pass over its notifiers: calls each callback until one refuses.
     *
     * <p>Concurrency: used by one thread; {@link #busy} marks the thread as inside callbacks.
     */
    private static final class Walk implements IntervalTree.Visitor<Subscription> {
        NotifierRange range;
        long cur;
        long calls;
        boolean refused;
        boolean busy;

        void start(NotifierRange r, long seq) {
            range = r;
            cur = seq;
            calls = 0;
            refused = false;
            busy = true;
        }

        @Override
        public void visit(Subscription sub) {
            if (refused) {
                return;
            }
            calls++;
            if (!sub.ops.invalidate(sub, range, cur)) {
                if (range.blockable()) {
                    throw new IllegalStateException("a notifier refused a blockable invalidation of " + sub);
                }
                refused = true;
            }
        }
    }

    /** Ends an invalidation started with {@link #invalidateStart} ({@code invalidate_range_end}). */
    public void invalidateEnd() {
        lock.lock();
        try {
            if (--active == 0 && (seq & 1) != 0) {
                seq++;
                for (Subscription sub : deferred) {
                    sub.deferred = false;
                    if (sub.removed) {
                        if (sub.linked()) {
                            tree.remove(sub);
                        }
                    } else {
                        tree.insert(sub);
                    }
                }
                deferred.clear();
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The range of {@code mn_itree_release}: everything, for {@link NotifierEvent#RELEASE}. */
    public static final NotifierRange RELEASE_ALL = new NotifierRange(0, Long.MAX_VALUE, NotifierEvent.RELEASE, true, null);

    /** Marks the address space gone: later inserts answer {@code EINVAL}. */
    public void markReleased() {
        lock.lock();
        try {
            released = true;
        } finally {
            lock.unlock();
        }
    }

    /** Lists the notifiers in address order. */
    public List<NotifierInfo> list() {
        List<NotifierInfo> out = new ArrayList<>();
        lock.lock();
        try {
            tree.overlapping(0, Long.MAX_VALUE, s -> out.add(new NotifierInfo(s.start(), s.last(), s.seq())));
        } finally {
            lock.unlock();
        }
        return out;
    }

    /** Returns true if {@code n} is a notifier of this address space. */
    public boolean owns(IntervalNotifier n) {
        IntervalNotifier sub = n instanceof NotifierView v ? v.subscription() : n;
        return sub instanceof Subscription s && s.owner == this;
    }

    /** Returns the current sequence (tests). */
    long seq() {
        lock.lock();
        try {
            return seq;
        } finally {
            lock.unlock();
        }
    }
}
