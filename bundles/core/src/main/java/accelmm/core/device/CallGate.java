package accelmm.core.device;

import accelmm.api.Errno;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceState;
import accelmm.api.lockdep.LockClass;
import accelmm.api.lockdep.Lockdep;

/**
 * Admits calls to a device and swaps its driver: a call enters with the driver bound at that
 * moment and leaves when done; a swap stops new calls, waits for the calls in flight, and lets the
 * waiting calls go on with the new driver. Files belong to a generation; an unplug starts a new
 * one, and calls on files of an old generation answer {@code ENODEV}.
 *
 * <p>Concurrency: every field but the per-thread callback nesting is guarded by this object;
 * drivers are called outside it.
 */
final class CallGate {
    /**
     * The gate as a read-write lock for the lock checker: a call holds it shared from
     * {@link #enter} to {@link #exit}; a swap waits for it in {@link #quiesce}. Callbacks are not
     * acquisitions: they never wait for a swap.
     */
    static final LockClass GATE = LockClass.of("device_gate");

    private DeviceDriver driver;
    private DriverRef ref;
    private DeviceState state = DeviceState.UNBOUND;
    private boolean quiescing;
    /** Set while {@link #detach} waits: only callbacks nested in one in flight get the driver. */
    private boolean detaching;
    /** How many callbacks of this gate the current thread is in. */
    private final ThreadLocal<int[]> nesting = ThreadLocal.withInitial(() -> new int[1]);
    private int inflight;
    private long generation;
    private long epoch;

    /** The bound driver and where it came from. */
    record DriverRef(long serviceId, int ranking, String bundle, String version) {
    }

    synchronized DeviceState state() {
        return state;
    }

    synchronized DriverRef ref() {
        return ref;
    }

    synchronized long generation() {
        return generation;
    }

    /**
     * Enters a call for a file of {@code gen} (-1: any, for an open): waits while the driver is
     * being replaced.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} when the device has no driver, was unplugged
     *     since the file was opened, or was removed
     */
    DeviceDriver enter(long gen) {
        Lockdep.waitFor(GATE);
        return admit(gen);
    }

    private synchronized DeviceDriver admit(long gen) {
        while (true) {
            if (state == DeviceState.REMOVED || state == DeviceState.UNBOUND || (gen >= 0 && gen != generation)) {
                throw Errno.ENODEV.exception("the device is " + (state == DeviceState.REMOVED ? "removed"
                        : gen >= 0 && gen != generation ? "unplugged" : "without a driver"));
            }
            if (state == DeviceState.BOUND && !quiescing) {
                inflight++;
                Lockdep.acquire(this, GATE, 0, true, true);
                return driver;
            }
            waitUninterruptibly();
        }
    }

    /**
     * Enters a callback (an invalidation, a dma-buf operation) which may arrive while a call is in
     * flight: it runs with the driver still bound even during a quiesce, waits only while no
     * driver is bound (or while the bound one is being detached), and returns null when there will
     * be none. A callback nested in one this thread is already in (a driver's migrate_to_ram whose
     * migration invalidates the driver's own notifier) always gets the driver it is in.
     */
    synchronized DeviceDriver enterCallback(long gen, boolean mayWait) {
        int[] depth = nesting.get();
        while (true) {
            if (driver != null && gen == generation && (!detaching || depth[0] > 0)) {
                inflight++;
                depth[0]++;
                return driver;
            }
            boolean comesBack = detaching || state == DeviceState.WAITING;
            if (!comesBack || gen != generation || !mayWait) {
                return null;
            }
            waitUninterruptibly();
        }
    }

    /** Ends a call from {@link #enter}. */
    void exitCall() {
        Lockdep.release(this);
        leave();
    }

    /** Ends a callback from {@link #enterCallback}. */
    void exit() {
        nesting.get()[0]--;
        leave();
    }

    private synchronized void leave() {
        if (--inflight == 0) {
            notifyAll();
        }
    }

    private void waitUninterruptibly() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errno.ENODEV.exception("interrupted while the driver was replaced");
        }
    }

    /** Stops new calls and waits for the calls in flight; returns the driver that was bound. */
    DeviceDriver quiesce() {
        Lockdep.waitFor(GATE);
        return drainCalls();
    }

    private synchronized DeviceDriver drainCalls() {
        quiescing = true;
        awaitIdle();
        return driver;
    }

    /**
     * After {@link #quiesce} and the driver's unbind: callbacks stop getting the driver too (they
     * wait for the next one, or refuse when they may not wait), and the callbacks in flight drain,
     * so that nothing reaches a driver after its unbind returned.
     *
     * @return the driver that was bound, or null
     */
    synchronized DeviceDriver detach() {
        detaching = true;
        awaitIdle();
        DeviceDriver old = driver;
        driver = null;
        detaching = false;
        if (state == DeviceState.BOUND) {
            state = DeviceState.WAITING;
        }
        notifyAll();
        return old;
    }

    /** Waits, uninterruptibly, until no call or callback is in flight. Holds this object's monitor. */
    private void awaitIdle() {
        boolean interrupted = false;
        while (inflight > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Binds {@code next} after a {@link #quiesce} (or to an unbound device) and lets calls go. */
    synchronized long resume(DeviceDriver next, DriverRef nextRef) {
        epoch++;
        driver = next;
        ref = nextRef;
        state = next != null ? DeviceState.BOUND : state == DeviceState.REMOVED ? state : DeviceState.WAITING;
        quiescing = false;
        notifyAll();
        return epoch;
    }

    /**
     * Ends the wait for a driver: the device goes unbound (or removed), waiting calls answer
     * {@code ENODEV}, and a new generation starts.
     *
     * @param waitEpoch the epoch the wait began in (from {@link #resume}); -1 for a removal
     * @return the generation that ended, or -1 if a driver arrived since
     */
    synchronized long unplug(long waitEpoch) {
        boolean removed = waitEpoch < 0;
        if (!removed && (driver != null || epoch != waitEpoch)) {
            return -1;
        }
        driver = null;
        ref = null;
        state = removed ? DeviceState.REMOVED : DeviceState.UNBOUND;
        quiescing = false;
        notifyAll();
        return generation++;
    }
}
