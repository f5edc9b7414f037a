package accelmm.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.Devices;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;

/**
 * What callers see while a driver bundle is replaced for real: four threads call a device of the
 * driver without pause while the bundle is updated and refreshed (OSGi stop, resolve, start)
 * again and again; the latency of every call that overlapped an update is kept (an odd window
 * sequence marks an update in progress, as a notifier's), and the run reports their percentiles and
 * maximum.
 *
 * <p>Concurrency: {@link #measure} runs on the caller's thread and starts the calling threads; it
 * returns once they have ended.
 */
final class SwapLatency {
    /** The measured latencies, in milliseconds. */
    record Result(String driver, int updates, int calls, double p50, double p99, double max) {
        String line() {
            return String.format(Locale.ROOT, "swap-latency %s: %d updates, %d calls during them, p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                    driver, updates, calls, p50, p99, max);
        }
    }

    private final Devices devices;
    private final MemoryManager memory;
    private final BundleContext context;
    /** Odd while an update is in progress. */
    private final java.util.concurrent.atomic.AtomicInteger window = new java.util.concurrent.atomic.AtomicInteger();

    SwapLatency(Devices devices, MemoryManager memory, BundleContext context) {
        this.devices = devices;
        this.memory = memory;
        this.context = context;
    }

    /**
     * Updates and refreshes the bundle of {@code driver} {@code updates} times under load.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for a driver that is not installed;
     *     {@code ENODEV} when it drives no device; {@code EIO} when an update fails
     */
    Result measure(String driver, int updates, int threads) throws InterruptedException {
        Bundle bundle = null;
        for (Bundle b : context.getBundles()) {
            if (("accelmm.driver." + driver).equals(b.getSymbolicName())) {
                bundle = b;
            }
        }
        if (bundle == null) {
            throw Errno.ENOENT.exception("no driver bundle accelmm.driver." + driver);
        }
        String device = devices.list().stream().filter(d -> d.kind().equals(driver)).map(d -> d.name()).findFirst()
                .orElseThrow(() -> Errno.ENODEV.exception("no device of kind " + driver));
        AtomicBoolean stop = new AtomicBoolean();
        List<Caller> callers = new ArrayList<>();
        List<MmProcess> processes = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                MmProcess p = memory.spawn("swap-latency-" + t);
                processes.add(p);
                Caller c = new Caller(p, devices.open(p, device), stop);
                callers.add(c);
                c.thread.start();
            }
            Thread.sleep(200);
            FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
            for (int u = 0; u < updates; u++) {
                window.incrementAndGet();
                try {
                    bundle.update();
                } catch (BundleException e) {
                    throw Errno.EIO.exception("updating " + bundle.getSymbolicName() + " failed: " + e.getMessage());
                }
                CountDownLatch refreshed = new CountDownLatch(1);
                wiring.refreshBundles(List.of(bundle), e -> {
                    if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                        refreshed.countDown();
                    }
                });
                if (!refreshed.await(60, TimeUnit.SECONDS)) {
                    throw Errno.EIO.exception("the refresh of " + bundle.getSymbolicName() + " did not end within 60 s");
                }
                waitBound(device);
                window.incrementAndGet();
                Thread.sleep(50);
            }
        } finally {
            stop.set(true);
            for (Caller c : callers) {
                c.thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            processes.forEach(MmProcess::exit);
        }
        for (Caller c : callers) {
            if (c.error != null) {
                throw Errno.EIO.exception("a call failed during the updates: " + c.error.getMessage());
            }
        }
        long[] sorted = new long[0];
        for (Caller c : callers) {
            int at = sorted.length;
            sorted = Arrays.copyOf(sorted, at + c.count);
            System.arraycopy(c.nanos, 0, sorted, at, c.count);
        }
        Arrays.sort(sorted);
        return new Result(driver, updates, sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** Waits until the device has a driver again (the new bundle's component registered). */
    private void waitBound(String device) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (devices.info(device).driver().equals("-")) {
            if (System.nanoTime() > deadline) {
                throw Errno.EIO.exception(device + " got no driver within 30 s of the refresh");
            }
            Thread.sleep(1);
        }
    }

    /**
     * A thread calling one device file without pause, keeping how long each call that overlapped
     * an update took. The request is none the driver knows: it crosses the device gate and the driver's
     * dispatch and answers with the driver's errno, with no state to build up.
     */
    private final class Caller implements Runnable {
        final Thread thread;
        final MmProcess p;
        final int fd;
        final AtomicBoolean stop;
        long[] nanos = new long[1 << 12];
        int count;
        volatile RuntimeException error;

        Caller(MmProcess p, int fd, AtomicBoolean stop) {
            this.p = p;
            this.fd = fd;
            this.stop = stop;
            this.thread = new Thread(this, "swap-latency-" + fd);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            accelmm.api.device.CommandRequest request = new accelmm.api.device.CommandRequest("nothing");
            while (!stop.get()) {
                int w0 = window.get();
                long t0 = System.nanoTime();
                try {
                    devices.ioctl(p, fd, request);
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.ENODEV) {
                        error = e;
                        return;
                    }
                }
                long t = System.nanoTime() - t0;
                if ((w0 & 1) == 0 && window.get() == w0) {
                    continue;
                }
                if (count == nanos.length) {
                    nanos = Arrays.copyOf(nanos, count * 2);
                }
                nanos[count++] = t;
            }
        }
    }
}
