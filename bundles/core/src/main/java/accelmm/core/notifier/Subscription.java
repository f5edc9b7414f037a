package accelmm.core.notifier;

import accelmm.api.notifier.IntervalNotifier;
import accelmm.api.notifier.IntervalNotifierOps;

/**
 * One interval notifier: a node of its address space's interval tree.
 *
 * <p>Concurrency: {@link #seq} is volatile: written by the invalidate callback (under the driver's
 * lock) and by insertion (under the subscriptions' lock), read by the driver.
 */
final class Subscription extends IntervalTree.Node implements IntervalNotifier {
    final Subscriptions owner;
    final IntervalNotifierOps ops;
    volatile long seq;
    boolean deferred;
    boolean removed;

    Subscription(Subscriptions owner, long start, long last, IntervalNotifierOps ops) {
        super(start, last);
        this.owner = owner;
        this.ops = ops;
    }

    @Override
    public long start() {
        return start;
    }

    @Override
    public long last() {
        return last;
    }

    @Override
    public long readBegin() {
        return owner.readBegin(this);
    }

    @Override
    public boolean readRetry(long s) {
        return seq != s;
    }

    @Override
    public boolean checkRetry(long s) {
        return seq != s;
    }

    @Override
    public void setSeq(long curSeq) {
        seq = curSeq;
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
