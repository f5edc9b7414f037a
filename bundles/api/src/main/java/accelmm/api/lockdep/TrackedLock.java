package accelmm.api.lockdep;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reentrant mutex whose acquisitions the {@link Lockdep} checker sees. It is a
 * {@link ReentrantLock} in every other way.
 *
 * <p>Concurrency: as {@link ReentrantLock}.
 */
public class TrackedLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    private final transient LockClass cls;
    private final int subclass;

    /** Creates an unfair lock of class {@code cls}. */
    public TrackedLock(LockClass cls) {
        this(cls, 0);
    }

    /** Creates an unfair lock of class {@code cls} at nesting level {@code subclass}. */
    public TrackedLock(LockClass cls, int subclass) {
        this.cls = cls;
        this.subclass = subclass;
    }

    /** Returns the lock's class. */
    public LockClass lockClass() {
        return cls;
    }

    @Override
    public void lock() {
        Lockdep.acquire(this, cls, subclass, false, false);
        super.lock();
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        Lockdep.acquire(this, cls, subclass, false, false);
        try {
            super.lockInterruptibly();
        } catch (InterruptedException e) {
            Lockdep.release(this);
            throw e;
        }
    }

    @Override
    public boolean tryLock() {
        if (!super.tryLock()) {
            return false;
        }
        Lockdep.acquire(this, cls, subclass, false, true);
        return true;
    }

    @Override
    public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
        if (!super.tryLock(timeout, unit)) {
            return false;
        }
        Lockdep.acquire(this, cls, subclass, false, true);
        return true;
    }

    @Override
    public void unlock() {
        super.unlock();
        Lockdep.release(this);
    }

    @Override
    public String toString() {
        return cls.name() + super.toString().substring(super.toString().indexOf('['));
    }
}
