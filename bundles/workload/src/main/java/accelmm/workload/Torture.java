package accelmm.workload;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceInfo;
import accelmm.api.device.Devices;
import accelmm.api.lockdep.Lockdep;
import accelmm.api.mm.FaultSiteInfo;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;

/**
 * A torture run in the spirit of the kernel's locktorture: many threads in many processes make
 * random, concurrent calls on every driver's device while the driver bundles are updated, or
 * uninstalled and installed again within the grace period, at random moments, and allocations fail
 * by injection. Every byte read is checked against a model; a watchdog (the JVM's deadlock
 * detection and a no-progress timer) prints every thread's stack and fails the run on a hang; the
 * core's invariant check runs at the end, with every process gone.
 *
 * <p>Concurrency: {@link #run} runs on the caller's thread and starts the actors, the swapper and
 * the watchdog; it returns once they have ended.
 */
final class Torture {
    /** What the torture run is asked to do. */
    record Options(long seconds, long seed, int threads, long swapEveryMs, int failPercent) {
    }

    /** How long a calling thread (or the swapper) may complete nothing before the run counts a hang. */
    static final long STALL_MS = 20_000;
    private static final String DRIVER_PREFIX = "accelmm.driver.";
    private static final String POLICY_PREFIX = "accelmm.policy.";
    private static final List<String> INJECTED = List.of(Errno.ENOMEM.name(), Errno.ENOSPC.name(), Errno.EAGAIN.name());

    final Run run;
    private final Devices devices;
    private final MemoryManager memory;
    private final BundleContext context;
    private final Options options;
    private final PrintStream out;
    private final boolean terminal;

    private volatile boolean stop;
    private final accelmm.api.dma.Vgem vgem;
    private final accelmm.api.policy.Policies policies;
    private final AtomicLong ops = new AtomicLong();
    private final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong injectedSeen = new AtomicLong();
    private final AtomicLong deadlocks = new AtomicLong();
    private final List<String> lost = new CopyOnWriteArrayList<>();

    Torture(Devices devices, MemoryManager memory, accelmm.api.dma.Vgem vgem, accelmm.api.policy.Policies policies,
            BundleContext context, Options options, PrintStream out, boolean terminal) {
        this.vgem = vgem;
        this.policies = policies;
        this.devices = devices;
        this.memory = memory;
        this.context = context;
        this.options = options;
        this.out = out;
        this.terminal = terminal;
        this.run = new Run(devices, memory, options.seed(), Content.BYTES);
    }

    boolean stopping() {
        return stop;
    }

    /** The importer PRIME checks share buffers with. */
    accelmm.api.dma.Vgem vgem() {
        return vgem;
    }

    /** By thread (each actor and the swapper): by when it must next finish something. */
    private final Map<Thread, AtomicLong> due = new ConcurrentHashMap<>();

    /** Records that the current thread made progress; the next is due within {@link #STALL_MS}. */
    void progressed() {
        progressed(0);
    }

    private void progressed(long idleMs) {
        due.computeIfAbsent(Thread.currentThread(), t -> new AtomicLong())
                .set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idleMs + STALL_MS));
    }

    /** The name of a thread past its due time, or null. */
    private String stalled() {
        long now = System.nanoTime();
        for (Map.Entry<Thread, AtomicLong> e : due.entrySet()) {
            if (e.getKey().isAlive() && now > e.getValue().get()) {
                return e.getKey().getName();
            }
        }
        return null;
    }

    void done(String op) {
        progressed();
        ops.incrementAndGet();
        kinds.computeIfAbsent(op, k -> new LongAdder()).increment();
    }

    /** Whether an error is what an injected failure may cause (while injection is on). */
    boolean injected(ErrnoException e) {
        if (options.failPercent() > 0 && INJECTED.contains(e.errno().name())) {
            injectedSeen.incrementAndGet();
            return true;
        }
        return false;
    }

    void lost(String what) {
        lost.add(what);
    }

    void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String habanaPeer(String device) {
        return device.equals("habana0") ? "habana1" : "habana0";
    }

    /**
     * Runs the torture and returns the verdict line.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} when no device of any driver is bound
     */
    String run() throws InterruptedException {
        long lockReports = Lockdep.reportCount();
        boolean lockdepWas = Lockdep.enabled();
        Lockdep.setEnabled(true);
        List<String[]> targets = targets();
        if (targets.isEmpty()) {
            throw Errno.ENODEV.exception("no device has a driver: start accelmm with --drivers all");
        }
        SplittableRandom seeds = new SplittableRandom(options.seed());
        if (options.failPercent() > 0) {
            for (String site : List.of("page.alloc", "device.alloc")) {
                memory.failArm(site, options.failPercent(), 1, -1, seeds.nextLong());
            }
        }
        List<Thread> actors = new ArrayList<>();
        List<MmProcess> sharedProcesses = new ArrayList<>();
        int processes = 0;
        for (int i = 0; i < options.threads(); i++) {
            String[] t = targets.get(processes++ % targets.size());
            if (i % 3 == 0 && i + 1 < options.threads() && !t[1].equals("habana")) {
                // Two of every three threads come in pairs that share one process. Not on Habana:
                // a fork of the process holds its dma-buf descriptors, and unmapping exported memory
                // is then EINVAL, as in Linux.
                MmProcess shared = memory.spawn("torture-" + i + "+" + (i + 1));
                sharedProcesses.add(shared);
                for (int k = i; k <= i + 1; k++) {
                    actors.add(thread("torture-" + k, new TortureActor(this, "t" + k, t[0], t[1], seeds.nextLong(), shared)));
                }
                i++;
            } else {
                actors.add(thread("torture-" + i, new TortureActor(this, "t" + i, t[0], t[1], seeds.nextLong(), null)));
            }
        }
        Thread swapper = thread("torture-swapper", this::swapLoop);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(options.seconds());
        actors.forEach(Thread::start);
        if (options.swapEveryMs() > 0) {
            swapper.start();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean interrupted = false;
        while (System.nanoTime() < deadline && deadlocks.get() == 0 && !interrupted) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                // Ctrl-C: stop every thread and tidy up as at the deadline, then say so.
                interrupted = true;
            }
            long[] stuck = mx.findDeadlockedThreads();
            String stalled = stalled();
            if (stuck != null) {
                hang("deadlock among " + stuck.length + " threads", mx);
            } else if (stalled != null) {
                hang(stalled + " completed nothing for " + STALL_MS / 1000 + " s", mx);
            }
            if (terminal) {
                System.err.printf(Locale.ROOT, "\rtorture: %.0f/%d s, %d ops, %d swaps, %d lost ", (System.nanoTime() - start) / 1e9,
                        options.seconds(), ops.get(), swaps.get(), lost.size());
                System.err.flush();
            }
        }
        stop = true;
        long elapsed = System.nanoTime() - start;
        swapper.join(TimeUnit.SECONDS.toMillis(30));
        for (Thread t : actors) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        List<Thread> alive = new ArrayList<>();
        for (Thread t : actors) {
            if (t.isAlive()) {
                alive.add(t);
            }
        }
        if (swapper.isAlive()) {
            alive.add(swapper);
        }
        if (!alive.isEmpty() && deadlocks.get() == 0) {
            hang(alive.size() + " threads did not end within 30 s of the stop", mx);
        }
        if (terminal) {
            System.err.print("\r\033[K");
        }
        if (options.failPercent() > 0) {
            memory.failDisarm("page.alloc");
            memory.failDisarm("device.alloc");
        }
        long injectedFailures = 0;
        for (FaultSiteInfo s : memory.failSites()) {
            injectedFailures += s.failures();
        }
        List<String> problems = new ArrayList<>();
        if (deadlocks.get() == 0) {
            // Device page tables first, while the shared processes still map what their GPUs use.
            problems.addAll(devices.check());
            for (MmProcess p : sharedProcesses) {
                p.exit();
            }
            problems.addAll(memory.check());
            problems.addAll(devices.check());
        }
        long lockOrder = Lockdep.reportCount() - lockReports;
        Lockdep.setEnabled(lockdepWas);
        if (interrupted) {
            throw Errno.EINTR.exception("torture interrupted after " + elapsed / 1_000_000_000 + " s, " + ops.get() + " ops; "
                    + (problems.isEmpty() ? "every check at the stop passed" : problems.size() + " invariant breaches: " + problems));
        }
        long lostCount = lost.size() + run.failed.get();
        for (String l : lost.subList(0, Math.min(lost.size(), 20))) {
            out.println("lost: " + l);
        }
        run.failures.forEach((who, what) -> out.println("lost: " + who + ": data check failed: " + what));
        problems.forEach(p -> out.println("invariant: " + p));
        for (String r : Lockdep.reports().subList(Math.max(0, Lockdep.reports().size() - (int) Math.min(lockOrder, 5)),
                Lockdep.reports().size())) {
            out.println(r);
        }
        boolean pass = deadlocks.get() == 0 && lockOrder == 0 && lostCount == 0 && problems.isEmpty();
        return String.format(Locale.ROOT,
                "torture: %d ops (%d kinds), %d swaps, %d injected failures, %d deadlocks, %d lock-order reports, %d lost, %.0f ops/s %s",
                ops.get(), kinds.size(), swaps.get(), injectedFailures, deadlocks.get(), lockOrder, lostCount,
                ops.get() / Math.max(1e-9, elapsed / 1e9), pass ? "PASS" : "FAIL");
    }

    /** Returns the operations done so far, by kind. */
    Map<String, Long> kinds() {
        Map<String, Long> out = new TreeMap<>();
        kinds.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The devices with a driver, as (name, kind). */
    private List<String[]> targets() {
        List<String[]> out = new ArrayList<>();
        List<String> wanted = List.of("xe0", "gmem0", "habana0", "gna0", "panfrost0");
        for (String name : wanted) {
            for (DeviceInfo d : devices.list()) {
                if (d.name().equals(name) && !d.driver().equals("-")) {
                    out.add(new String[] {d.name(), d.kind()});
                }
            }
        }
        return out;
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private void hang(String why, ThreadMXBean mx) {
        if (deadlocks.getAndIncrement() > 0) {
            return;
        }
        out.println("torture: " + why + "; every thread:");
        for (ThreadInfo info : mx.dumpAllThreads(true, true)) {
            out.print(format(info));
        }
        out.flush();
        stop = true;
    }

    /** A thread's state and whole stack (ThreadInfo.toString cuts it at eight frames). */
    private static String format(ThreadInfo info) {
        StringBuilder b = new StringBuilder("\"").append(info.getThreadName()).append("\" ").append(info.getThreadState());
        if (info.getLockName() != null) {
            b.append(" on ").append(info.getLockName());
        }
        if (info.getLockOwnerName() != null) {
            b.append(" owned by \"").append(info.getLockOwnerName()).append('"');
        }
        b.append('\n');
        for (StackTraceElement e : info.getStackTrace()) {
            b.append("    at ").append(e).append('\n');
        }
        return b.append('\n').toString();
    }

    /** Selects a random registered policy of a random kind on a random device (one that went is skipped). */
    private void choosePolicy(SplittableRandom r) {
        List<accelmm.api.device.DeviceInfo> devs = devices.list();
        List<accelmm.api.policy.PolicyInfo> known = policies.list();
        if (devs.isEmpty() || known.isEmpty()) {
            return;
        }
        accelmm.api.policy.PolicyInfo p = known.get(r.nextInt(known.size()));
        String device = devs.get(r.nextInt(devs.size())).name();
        try {
            policies.select(device, p.kind(), p.name(), java.util.Map.of());
        } catch (accelmm.api.ErrnoException e) {
            if (e.errno() != Errno.ENODEV && e.errno() != Errno.EINVAL) {
                lost("choosing " + p.kind().label() + " policy " + p.name() + " for " + device + " failed: " + e.getMessage());
            }
        }
    }

    /**
     * Updates, or uninstalls and installs again within the grace period, a random driver or policy
     * bundle; between two, chooses a random policy of a random kind for a random device.
     */
    private void swapLoop() {
        SplittableRandom r = new SplittableRandom(options.seed() * 31 + 7);
        while (!stop) {
            long pause = Math.max(1, options.swapEveryMs() / 2 + r.nextLong(options.swapEveryMs()));
            progressed(pause);
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            if (stop) {
                return;
            }
            choosePolicy(r);
            List<Bundle> drivers = new ArrayList<>();
            for (Bundle b : context.getBundles()) {
                String bsn = b.getSymbolicName();
                if (bsn != null && (bsn.startsWith(DRIVER_PREFIX) || bsn.startsWith(POLICY_PREFIX)) && b.getState() == Bundle.ACTIVE) {
                    drivers.add(b);
                }
            }
            if (drivers.isEmpty()) {
                continue;
            }
            Bundle b = drivers.get(r.nextInt(drivers.size()));
            try {
                if (r.nextInt(4) == 0) {
                    String location = b.getLocation();
                    b.uninstall();
                    Thread.sleep(50 + r.nextInt(200));
                    context.installBundle(location).start();
                } else {
                    b.update();
                }
                swaps.incrementAndGet();
            } catch (BundleException | IllegalStateException e) {
                lost("swapping " + b.getSymbolicName() + " failed: " + e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
