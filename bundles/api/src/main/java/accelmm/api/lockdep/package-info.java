/**
 * A lock-order checker for the whole host, after the kernel's lockdep.
 *
 * <h2>Overview</h2>
 * Locks that matter for deadlocks are {@link accelmm.api.lockdep.TrackedLock}s or
 * {@link accelmm.api.lockdep.TrackedRwLock}s of a named {@link accelmm.api.lockdep.LockClass}.
 * Each acquisition records, for the thread, which classes it already holds; the first acquisition
 * that makes the recorded orders circular is reported once by {@link accelmm.api.lockdep.Lockdep},
 * with the stacks of both orders. Waits that depend on other threads' locks (a notifier's
 * {@code readBegin}, a notifier removal, a driver swap draining calls) are recorded with
 * {@link accelmm.api.lockdep.Lockdep#waitFor}.
 *
 * <h2>Locking</h2>
 * The checker's own state is thread-safe; it never blocks the locks it watches. It is off unless
 * {@code -Daccelmm.lockdep=true} or {@code Lockdep.setEnabled(true)}; the tests and
 * {@code ./accelmm torture} turn it on.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * static final LockClass VM_LOCK = LockClass.of("mydrv.vm");
 * final TrackedLock lock = new TrackedLock(VM_LOCK);
 *
 * lock.lock();
 * try {
 *     ...  // never call into an address space here: its invalidations take this lock
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package accelmm.api.lockdep;
