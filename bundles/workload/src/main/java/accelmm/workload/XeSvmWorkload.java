package accelmm.workload;

import java.util.SplittableRandom;

import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.mm.Stamps;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBindMirror;
import accelmm.api.uapi.xe.XeCmd;
import accelmm.api.uapi.xe.XeExec;
import accelmm.api.uapi.xe.XeExecResult;
import accelmm.api.uapi.xe.XeMadvise;
import accelmm.api.uapi.xe.XeVmCreate;

/**
 * Xe SVM on malloc'd memory: buffers advised to VRAM migrate there on GPU faults, the GPU rewrites
 * them, the CPU reads them back (migrating them home), and a working set larger than VRAM forces
 * eviction. In stamps mode the GPU stores a whole page's stamp where it would store a byte and
 * increment a word.
 *
 * <p>Concurrency: one thread.
 */
final class XeSvmWorkload implements Workload {
    private static final int CHUNK = 2 << 20;
    private final int buffers;

    XeSvmWorkload(int buffers) {
        this.buffers = buffers;
    }

    @Override
    public String name() {
        return "xe";
    }

    @Override
    public String device() {
        return "xe0";
    }

    @Override
    public String description() {
        return "Xe SVM: malloc'd memory migrated to VRAM by GPU faults, read back by the CPU, evicted under pressure";
    }

    @Override
    public int steps() {
        return buffers * 2;
    }

    @Override
    public void run(Run run) {
        SplittableRandom r = run.random(name());
        MmProcess p = run.spawn("xe-svm");
        try {
            int fd = run.devices.open(p, device());
            int vm = run.devices.ioctl(p, fd, new XeVmCreate(true));
            run.devices.ioctl(p, fd, new XeBindMirror(vm, 0, 1L << 47));
            long[] va = new long[buffers];
            for (int b = 0; b < buffers; b++) {
                va[b] = p.mm().mmap(0, CHUNK, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
            }
            if (run.stamps()) {
                withStamps(run, r, p, fd, vm, va);
            } else {
                withBytes(run, r, p, fd, vm, va);
            }
        } finally {
            p.exit();
        }
    }

    /** Each buffer written by the CPU, read by the GPU, which stores a byte and increments a word, and read back. */
    private void withBytes(Run run, SplittableRandom r, MmProcess p, int fd, int vm, long[] va) {
        byte[][] data = new byte[buffers][];
        for (int b = 0; b < buffers; b++) {
            data[b] = Run.bytes(r, CHUNK);
            p.mm().write(va[b], data[b], 0, CHUNK);
            run.devices.ioctl(p, fd, new XeMadvise(vm, va[b], va[b] + CHUNK, Xe.LOC_VRAM));
        }
        for (int b = 0; b < buffers; b++) {
            XeExecResult x = run.devices.ioctl(p, fd, new XeExec(vm, java.util.List.of(
                    XeCmd.load(va[b], CHUNK), XeCmd.store(va[b] + 64, new byte[] {(byte) b}), XeCmd.inc(va[b] + 128))));
            run.check(name(), "GPU read of buffer " + b, data[b], x.done() ? x.loads().get(0) : new byte[0]);
            data[b][64] = (byte) b;
            int v = (data[b][128] & 0xff) | (data[b][129] & 0xff) << 8 | (data[b][130] & 0xff) << 16 | (data[b][131] & 0xff) << 24;
            v++;
            for (int k = 0; k < 4; k++) {
                data[b][128 + k] = (byte) (v >>> (8 * k));
            }
            run.step(name());
        }
        for (int b = 0; b < buffers; b++) {
            byte[] back = new byte[CHUNK];
            p.mm().read(va[b], back, 0, CHUNK);
            run.check(name(), "CPU read of buffer " + b, data[b], back);
            run.step(name());
        }
    }

    /** The same in stamps mode: the GPU reads every page's stamp and stores a new one into the first page. */
    private void withStamps(Run run, SplittableRandom r, MmProcess p, int fd, int vm, long[] va) {
        int pages = CHUNK / 4096;
        long[][] model = new long[buffers][];
        for (int b = 0; b < buffers; b++) {
            model[b] = Run.stamps(r, va[b], pages);
            p.mm().writeStamps(va[b], model[b], 0, pages);
            run.devices.ioctl(p, fd, new XeMadvise(vm, va[b], va[b] + CHUNK, Xe.LOC_VRAM));
        }
        for (int b = 0; b < buffers; b++) {
            long[] first = Run.stamps(r, va[b], 1);
            XeExecResult x = run.devices.ioctl(p, fd, new XeExec(vm, java.util.List.of(
                    XeCmd.loadStamps(va[b], pages), XeCmd.storeStamps(va[b], first))));
            run.check(name(), "GPU read of buffer " + b, model[b], x.done() ? Stamps.unpack(x.loads().get(0)) : new long[0]);
            model[b][0] = first[0];
            run.step(name());
        }
        for (int b = 0; b < buffers; b++) {
            long[] back = new long[pages];
            p.mm().readStamps(va[b], back, 0, pages);
            run.check(name(), "CPU read of buffer " + b, model[b], back);
            run.step(name());
        }
    }
}
