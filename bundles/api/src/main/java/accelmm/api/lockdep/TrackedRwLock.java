package accelmm.api.lockdep;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A read-write lock whose acquisitions the {@link Lockdep} checker sees, with the kernel's
 * rw-semaphore calls: {@link #readLock()}, {@link #readUnlock()}, {@link #writeLock()},
 * {@link #writeUnlock()}. Both sides are one lock for the checker; a read side counts like a write
 * side for the order (a waiting writer blocks new readers), and taking the write side while holding
 * the read side is reported.
 *
 * <p>Concurrency: as {@link ReentrantReadWriteLock} (unfair).
 */
public final class TrackedRwLock {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final LockClass cls;
    private final int subclass;

    /** Creates a lock of class {@code cls}. */
    public TrackedRwLock(LockClass cls) {
        this(cls, 0);
    }

    /** Creates a lock of class {@code cls} at nesting level {@code subclass}. */
    public TrackedRwLock(LockClass cls, int subclass) {
        this.cls = cls;
        this.subclass = subclass;
    }

    /** Takes the shared side ({@code down_read}). */
    public void readLock() {
        Lockdep.acquire(this, cls, subclass, true, false);
        lock.readLock().lock();
    }

    /** Releases the shared side ({@code up_read}). */
    public void readUnlock() {
        lock.readLock().unlock();
        Lockdep.release(this);
    }

    /** Takes the exclusive side ({@code down_write}). */
    public void writeLock() {
        Lockdep.acquire(this, cls, subclass, false, false);
        lock.writeLock().lock();
    }

    /** Takes the exclusive side as a second lock of its class, {@code down_write_nested}. */
    public void writeLockNested(int nesting) {
        Lockdep.acquire(this, cls, nesting, false, false);
        lock.writeLock().lock();
    }

    /** Releases the exclusive side ({@code up_write}). */
    public void writeUnlock() {
        lock.writeLock().unlock();
        Lockdep.release(this);
    }

    /** Returns whether the current thread holds the exclusive side. */
    public boolean isWriteLockedByCurrentThread() {
        return lock.isWriteLockedByCurrentThread();
    }

    /** Returns how many holds of the shared side the current thread has. */
    public int readHoldCount() {
        return lock.getReadHoldCount();
    }

    /** Returns the lock's class. */
    public LockClass lockClass() {
        return cls;
    }
}
