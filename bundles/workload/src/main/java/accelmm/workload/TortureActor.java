package accelmm.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.MmProcess;

/**
 * One thread of the torture run: random steps on its own buffers of a process on one device, each
 * checked against the buffers' byte models. A thread that owns its process also exits it and
 * spawns a new one now and then; threads that share a process race each other in one address space
 * (GPU faults against munmap, mprotect and mremap; forks against both).
 *
 * <p>Concurrency: one thread; the shared counters are {@link Torture}'s.
 */
final class TortureActor implements Runnable {
    private static final int[] SIZES = {16 << 10, 64 << 10, 256 << 10, 1 << 20, 2 << 20};
    private static final int MAX_BUFFERS = 4;

    private final Torture torture;
    private final String name;
    private final String device;
    private final String kind;
    private final SplittableRandom r;
    /** The shared process, or null: this thread spawns and exits its own. */
    private final MmProcess shared;
    private MmProcess own;
    private ProcessSession session;
    private int serial;

    TortureActor(Torture torture, String name, String device, String kind, long seed, MmProcess shared) {
        this.torture = torture;
        this.name = name;
        this.device = device;
        this.kind = kind;
        this.r = new SplittableRandom(seed);
        this.shared = shared;
    }

    @Override
    public void run() {
        torture.progressed();
        try {
            while (!torture.stopping()) {
                if (session == null) {
                    open();
                    continue;
                }
                String op = pick();
                String what = name + " #" + (++serial) + " " + op;
                try {
                    perform(op, what);
                    torture.done(op);
                } catch (ErrnoException e) {
                    if (!torture.injected(e)) {
                        torture.lost(what + " on " + device + " failed: " + e.getMessage());
                    }
                    session.dropAll();
                    torture.done(op);
                }
            }
        } catch (RuntimeException | Error e) {
            StringBuilder b = new StringBuilder(name + " on " + device + " stopped: " + e);
            StackTraceElement[] stack = e.getStackTrace();
            for (int i = 0; i < Math.min(stack.length, 12); i++) {
                b.append("\n      at ").append(stack[i]);
            }
            torture.lost(b.toString());
        } finally {
            close();
        }
    }

    private void open() {
        try {
            MmProcess p = shared;
            if (p == null) {
                own = torture.run.spawn(name);
                p = own;
            }
            session = new ProcessSession(torture.run, name, device, new SplittableRandom(r.nextLong()), p, Content.BYTES);
        } catch (ErrnoException e) {
            if (!torture.injected(e)) {
                torture.lost(name + " cannot open " + device + ": " + e.getMessage());
            }
            close();
            torture.pause();
        }
    }

    private void close() {
        if (session != null) {
            session.dropAll();
            if (shared != null && session.fd >= 0) {
                try {
                    session.p.fds().close(session.fd);
                } catch (ErrnoException e) {
                    torture.lost(name + " cannot close its file of " + device + ": " + e.getMessage());
                }
            }
        }
        session = null;
        if (own != null) {
            own.exit();
            own = null;
        }
    }

    /** The next step: what the device can do with the buffers there are. */
    private String pick() {
        List<String> mapped = buffers(false);
        List<String> heaps = buffers(true);
        List<String> ops = new ArrayList<>(List.of("write", "read"));
        if (mapped.size() + heaps.size() < MAX_BUFFERS) {
            ops.add("mmap");
            ops.add("mmap");
            if (kind.equals("panfrost") && heaps.size() < 2) {
                ops.add("heap");
            }
        }
        if (mapped.isEmpty() && heaps.isEmpty()) {
            return kind.equals("panfrost") && r.nextBoolean() ? "heap" : "mmap";
        }
        ops.addAll(List.of("munmap", "mprotect", "mremap", "fork-check"));
        switch (kind) {
            case "xe" -> ops.addAll(List.of("gpu-write", "gpu-read", "gpu-write", "gpu-read", "advise", "prime"));
            case "gmem" -> ops.addAll(List.of("gpu-write", "gpu-read", "gpu-read"));
            case "panfrost" -> {
                if (!heaps.isEmpty()) {
                    ops.addAll(List.of("gpu-write", "gpu-read"));
                }
                ops.add("purgeable");
                ops.add("prime");
            }
            case "gna" -> ops.add("gna-infer");
            case "habana" -> ops.add("habana-share");
            default -> {
            }
        }
        if (shared == null && r.nextInt(60) == 0) {
            return "exit";
        }
        return ops.get(r.nextInt(ops.size()));
    }

    private List<String> buffers(boolean heap) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, ProcessSession.Buffer> e : session.buffers.entrySet()) {
            if ((e.getValue().handle != 0) == heap) {
                out.add(e.getKey());
            }
        }
        out.sort(null);
        return out;
    }

    private String any(List<String> names) {
        return names.get(r.nextInt(names.size()));
    }

    private String freeName() {
        for (int i = 0; ; i++) {
            if (!session.buffers.containsKey("b" + i)) {
                return "b" + i;
            }
        }
    }

    private void perform(String op, String what) {
        List<String> mapped = buffers(false);
        List<String> heaps = buffers(true);
        List<String> all = new ArrayList<>(mapped);
        all.addAll(heaps);
        switch (op) {
            case "exit" -> {
                close();
                open();
            }
            case "mmap" -> session.step(step(op, "as", freeName(), "size", (long) SIZES[r.nextInt(SIZES.length)]), what);
            case "heap" -> session.step(step(op, "as", freeName(), "size", 4L << 20), what);
            case "munmap" -> {
                if (mapped.isEmpty()) {
                    return;
                }
                session.step(step(op, "buffer", any(mapped)), what);
            }
            case "mprotect" -> {
                if (!mapped.isEmpty()) {
                    session.protectCheck(any(mapped), what);
                }
            }
            case "mremap" -> {
                if (!mapped.isEmpty()) {
                    session.grow(any(mapped));
                }
            }
            case "fork-check" -> {
                if (!mapped.isEmpty()) {
                    session.step(step(op, "buffer", any(mapped)), what);
                }
            }
            case "advise" -> session.step(step(op, "buffer", any(mapped), "location", r.nextInt(3) == 0 ? "system" : "vram"), what);
            case "write", "read" -> {
                if (!mapped.isEmpty()) {
                    window(op, op.equals("write") ? "to" : "from", any(mapped), what);
                }
            }
            case "gpu-write", "gpu-read" -> window(op, op.equals("gpu-write") ? "to" : "from",
                    any(kind.equals("panfrost") ? heaps : mapped), what);
            case "gna-infer" -> {
                List<String> big = new ArrayList<>();
                for (String b : mapped) {
                    if (session.buffers.get(b).size() >= 64 << 10) {
                        big.add(b);
                    }
                }
                if (!big.isEmpty()) {
                    session.step(step(op, "buffer", any(big), "inputs", (long) (8 << r.nextInt(4)), "outputs",
                            (long) (4 << r.nextInt(4))), what);
                }
            }
            case "purgeable" -> PurgeCheck.run(session, what, r.nextBoolean());
            case "prime" -> {
                if (kind.equals("panfrost")) {
                    PrimeCheck.panfrost(session, what, torture.vgem());
                } else {
                    PrimeCheck.xe(session, what, torture.vgem());
                }
            }
            case "habana-share" -> session.step(step(op, "size", (long) (64 << 10) << r.nextInt(5), "peer", torture.habanaPeer(device)),
                    what);
            default -> throw Errno.EINVAL.exception("no step " + op);
        }
    }

    /** A random window of a buffer, a whole page range most of the time. */
    private void window(String op, String key, String buffer, String what) {
        int size = (int) session.buffers.get(buffer).size();
        long off;
        long len;
        if (r.nextInt(4) == 0) {
            off = r.nextInt(size);
            len = 1 + r.nextInt(Math.min(size - (int) off, 8192));
        } else {
            int pages = size / 4096;
            int first = r.nextInt(pages);
            off = first * 4096L;
            len = (1 + r.nextInt(Math.min(pages - first, 64))) * 4096L;
        }
        session.step(step(op, key, buffer, "offset", off, "length", len), what);
    }

    private static WorkloadFile.Step step(String kind, Object... args) {
        Map<String, Object> m = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            m.put((String) args[i], args[i + 1]);
        }
        return new WorkloadFile.Step(kind, m, 0);
    }
}
