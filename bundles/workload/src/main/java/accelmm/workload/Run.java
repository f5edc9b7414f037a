package accelmm.workload;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import accelmm.api.device.Devices;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;

/**
 * What a workload works with: the services, a seeded random source, data checks and progress.
 *
 * <p>Concurrency: thread-safe; each workload uses its own random source.
 */
final class Run {
    final Devices devices;
    final MemoryManager memory;
    final long seed;
    /** How the run's process pages hold their content. */
    final Content content;
    final AtomicLong passed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final ConcurrentHashMap<String, AtomicInteger> progress = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, String> failures = new ConcurrentHashMap<>();
    /** Steps that failed with an errno (or a bug), apart from data checks. */
    final java.util.concurrent.ConcurrentLinkedQueue<StepError> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean cancelled;

    Run(Devices devices, MemoryManager memory, long seed, Content content) {
        this.devices = devices;
        this.memory = memory;
        this.seed = seed;
        this.content = content;
    }

    /** Returns true in stamps mode. */
    boolean stamps() {
        return content == Content.STAMPS;
    }

    /**
     * Stamps for {@code pages} whole pages from {@code addr}, each made from the workload's random
     * numbers and its page's address ({@link accelmm.api.mm.Stamps#of}).
     */
    static long[] stamps(SplittableRandom r, long addr, int pages) {
        long[] st = new long[pages];
        for (int i = 0; i < pages; i++) {
            st[i] = accelmm.api.mm.Stamps.of(r.nextLong() + addr + i * 4096L);
        }
        return st;
    }

    /** Records a data check of page stamps. */
    boolean check(String workload, String what, long[] expected, long[] actual) {
        return check(workload, what, Arrays.equals(expected, actual));
    }

    /** A random source for one workload, derived from the run's seed. */
    SplittableRandom random(String workload) {
        return new SplittableRandom(seed ^ workload.hashCode());
    }

    /** The simulated clocks, for per-phase figures; null when the run keeps none. */
    volatile accelmm.api.cost.SimClocks clocks;
    /** What each process's named phases took, in the order they ended. */
    final java.util.List<PhaseFigures> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The barriers of a workload file, by name, each with the processes that wait at it. */
    private final Map<String, java.util.concurrent.CyclicBarrier> barriers = new ConcurrentHashMap<>();

    /** What one named phase of one process took. */
    record PhaseFigures(String process, String phase, long wallNanos, accelmm.api.cost.SimTime simulated) {
    }

    /** The processes waiting at each barrier now, by barrier name. */
    private final Map<String, java.util.Set<Integer>> waiting = new ConcurrentHashMap<>();

    /**
     * Sets up the barriers: name to the number of processes that wait at it. When the last
     * arrives, every waiting process's simulated clock moves on to the latest of theirs.
     */
    void barriers(Map<String, Integer> parties) {
        parties.forEach((n, k) -> {
            java.util.Set<Integer> at = ConcurrentHashMap.newKeySet();
            waiting.put(n, at);
            barriers.put(n, new java.util.concurrent.CyclicBarrier(k, () -> {
                accelmm.api.cost.SimClocks c = clocks;
                if (c != null) {
                    Map<Integer, accelmm.api.cost.SimTime> now = c.processes();
                    long latest = at.stream().mapToLong(pid -> now.getOrDefault(pid, accelmm.api.cost.SimTime.zero()).nanos())
                            .max().orElse(0);
                    at.forEach(pid -> c.waitUntil(pid, latest));
                }
                at.clear();
            }));
        });
    }

    /**
     * Waits at barrier {@code name} until every process that has it arrives; process {@code pid}
     * goes on at the simulated time of the latest.
     *
     * @throws accelmm.api.ErrnoException {@code ECANCELED} if another process failed or the run was
     *     cancelled meanwhile; {@code EINTR} if interrupted
     */
    void await(String name, int pid) {
        try {
            waiting.get(name).add(pid);
            barriers.get(name).await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
            throw accelmm.api.Errno.ECANCELED.exception("barrier " + name + " broken: another process failed or the run was cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw accelmm.api.Errno.EINTR.exception("interrupted at barrier " + name);
        }
    }

    private void breakBarriers() {
        barriers.values().forEach(java.util.concurrent.CyclicBarrier::reset);
    }

    /** The name of every process the run made, by pid, for the report's simulated times. */
    final Map<Integer, String> names = new ConcurrentHashMap<>();

    /** Spawns a process for a workload. */
    MmProcess spawn(String name) {
        MmProcess p = memory.spawn(name);
        names.put(p.pid(), name);
        return p;
    }

    /** Forks a process of the run. */
    MmProcess fork(MmProcess parent, String name) {
        MmProcess child = parent.fork(name);
        names.put(child.pid(), name);
        return child;
    }

    /** Records a data check: the bytes the device or CPU saw against the bytes expected. */
    boolean check(String workload, String what, byte[] expected, byte[] actual) {
        return check(workload, what, Arrays.equals(expected, actual));
    }

    /** Records a check of a state the memory system should be in. */
    boolean check(String workload, String what, boolean holds) {
        if (holds) {
            passed.incrementAndGet();
            return true;
        }
        failed.incrementAndGet();
        failures.putIfAbsent(workload, what);
        return false;
    }

    private final AtomicLong steps = new AtomicLong();
    private volatile long swapAt = Long.MAX_VALUE;
    private volatile Runnable swap;
    private final java.util.concurrent.atomic.AtomicBoolean swapped = new java.util.concurrent.atomic.AtomicBoolean();

    /** Runs {@code action} once, on the thread of the step that completes {@code percent} of {@code total} steps. */
    void armSwap(long total, int percent, Runnable action) {
        swap = action;
        swapAt = Math.max(1, (total * percent + 99) / 100);
    }

    /** Makes every workload stop at its next step (the command was interrupted). */
    void cancel() {
        cancelled = true;
        breakBarriers();
    }

    /** Records a step that failed: the workload stops there. */
    void failed(String workload, Throwable e) {
        errors.add(StepError.of(workload, e));
        breakBarriers();
    }

    /**
     * Records that a workload finished one more step.
     *
     * @throws accelmm.api.ErrnoException {@code EINTR} once the run is cancelled
     */
    void step(String workload) {
        if (cancelled) {
            throw accelmm.api.Errno.EINTR.exception("the run was interrupted");
        }
        progress.computeIfAbsent(workload, k -> new AtomicInteger()).incrementAndGet();
        if (steps.incrementAndGet() >= swapAt && swapped.compareAndSet(false, true)) {
            swap.run();
        }
    }

    /** Fills a buffer with seeded bytes. */
    static byte[] bytes(SplittableRandom r, int len) {
        byte[] b = new byte[len];
        fill(r, b, len);
        return b;
    }

    /** Fills the first {@code len} bytes of {@code b} as {@link #bytes} makes them. */
    static void fill(SplittableRandom r, byte[] b, int len) {
        int whole = len & ~7;
        for (int i = 0; i < whole; i += 8) {
            LONG_LE.set(b, i, r.nextLong());
        }
        if (whole < len) {
            long v = r.nextLong();
            for (int k = 0; whole + k < len; k++) {
                b[whole + k] = (byte) (v >>> (8 * k));
            }
        }
    }

    /** Eight bytes of a byte array as one little-endian long, the order {@link #bytes} has always written. */
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
}
