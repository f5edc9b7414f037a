package accelmm.core.notifier;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import accelmm.api.notifier.IntervalNotifier;
import accelmm.api.notifier.IntervalNotifierOps;
import accelmm.core.concurrent.Handles;

/**
 * One interval notifier: a node of its address space's interval tree.
 *
 * <p>Concurrency: {@link #seq} is written by the invalidate callback (under the driver's lock) and
 * by insertion (under the subscriptions' lock), and read by the driver: with release stores and
 * acquire loads, as the kernel's {@code WRITE_ONCE}/{@code READ_ONCE}. The driver's lock orders a
 * callback's store before the {@code readRetry} that must see it, so no store needs a full fence;
 * a fence per notifier would stall every invalidation on each cold notifier it touches.
 */
final class Subscription extends IntervalTree.Node implements IntervalNotifier {
    final Subscriptions owner;
    final IntervalNotifierOps ops;
    private static final VarHandle SEQ = Handles.field(MethodHandles.lookup(), Subscription.class, "seq", long.class);

    private long seq;
    boolean deferred;
    boolean removed;

    /** The interval as the driver asked for it, unsigned; the tree keeps it clipped to the signed range. */
    private final long userStart;
    private final long userLast;

    Subscription(Subscriptions owner, long start, long last, IntervalNotifierOps ops) {
        // No address above Long.MAX_VALUE exists (user space ends far below), so an interval that
        // reaches beyond it is, for every lookup, one that reaches Long.MAX_VALUE.
        super(start < 0 ? Long.MAX_VALUE : start, last < 0 ? Long.MAX_VALUE : last);
        this.userStart = start;
        this.userLast = last;
        this.owner = owner;
        this.ops = ops;
    }

    @Override
    public long start() {
        return userStart;
    }

    @Override
    public long last() {
        return userLast;
    }

    @Override
    public long readBegin() {
        return owner.readBegin(this);
    }

    @Override
    public boolean readRetry(long s) {
        return seq() != s;
    }

    @Override
    public boolean checkRetry(long s) {
        return seq() != s;
    }

    @Override
    public void setSeq(long curSeq) {
        SEQ.setRelease(this, curSeq);
    }

    /** Returns the notifier's sequence. */
    long seq() {
        return (long) SEQ.getAcquire(this);
    }

    @Override
    public void remove() {
        owner.remove(this);
    }

    @Override
    public String toString() {
        return String.format("[0x%x, 0x%x]", start, last);
    }
}
