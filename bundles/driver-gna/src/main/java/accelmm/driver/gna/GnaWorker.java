package accelmm.driver.gna;

import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceJob;
import accelmm.api.uapi.gna.GnaWaitReply;
import accelmm.api.uapi.gna.GnaCompute;

/**
 * The thread that runs a device's queued requests one at a time while this driver is bound to
 * it; stopping it leaves the queue to the next driver.
 *
 * <p>Concurrency: one thread per device; {@link #stop} waits for the request in progress.
 */
final class GnaWorker implements Runnable {
    private final DeviceContext dev;
    private final ReentrantLock hardware;
    private final Thread thread;
    private volatile boolean stopping;

    GnaWorker(DeviceContext dev, ReentrantLock hardware) {
        this.dev = dev;
        this.hardware = hardware;
        this.thread = new Thread(this, "gna-" + dev.name());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops taking requests and waits for the one running. */
    void stop() {
        stopping = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        LinkedBlockingDeque<DeviceJob<GnaCompute, GnaWaitReply>> queue = GnaQueue.of(dev);
        while (!stopping) {
            DeviceJob<GnaCompute, GnaWaitReply> e;
            try {
                e = queue.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ex) {
                return;
            }
            if (e == null) {
                continue;
            }
            try {
                e.done().complete(new GnaRequest(e.file(), e.request(), GnaRequest.validate(e.file(), e.request())).run(hardware));
            } catch (ErrnoException ex) {
                e.done().completeExceptionally(ex);
            } catch (RuntimeException ex) {
                e.done().completeExceptionally(accelmm.api.Errno.EIO.exception("the request failed: " + ex.getMessage()));
            }
            dev.count("gna.request", 1);
        }
    }
}
