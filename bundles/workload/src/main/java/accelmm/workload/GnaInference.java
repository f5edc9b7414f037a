package accelmm.workload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.gna.Gna;
import accelmm.api.uapi.gna.GnaBuffer;
import accelmm.api.uapi.gna.GnaCompute;
import accelmm.api.uapi.gna.GnaMapMemory;
import accelmm.api.uapi.gna.GnaMemoryId;
import accelmm.api.uapi.gna.GnaRequestId;
import accelmm.api.uapi.gna.GnaWait;

/**
 * GNA inference with pinning per request: the CPU writes a fresh affine layer and inputs, the GNA
 * scores it through its MMU, the CPU checks the outputs against its own arithmetic. Its pages hold
 * bytes in stamps mode too, as a file's {@code gna-infer}: the arithmetic is over them.
 *
 * <p>Concurrency: one thread.
 */
final class GnaInference implements Workload {
    private static final int SIZE = 64 * 1024;
    private static final int IN = 4096;
    private static final int WEIGHTS = 8192;
    private static final int BIAS = 24576;
    private static final int OUT = 32768;
    private final int requests;

    GnaInference(int requests) {
        this.requests = requests;
    }

    @Override
    public String name() {
        return "gna";
    }

    @Override
    public String device() {
        return "gna0";
    }

    @Override
    public String description() {
        return "GNA inference: affine layers scored through the GNA MMU, pages pinned only per request";
    }

    @Override
    public int steps() {
        return requests;
    }

    @Override
    public void run(Run run) {
        SplittableRandom r = run.random(name());
        MmProcess p = run.spawn("gna-inference");
        try {
            int fd = run.devices.open(p, device());
            long va = p.mm().mmap(0, SIZE, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
            long id = run.devices.ioctl(p, fd, new GnaMapMemory(va, SIZE)).memoryId();
            for (int q = 0; q < requests; q++) {
                int nIn = 16 + r.nextInt(48);
                int nOut = 8 + r.nextInt(24);
                ByteBuffer m = ByteBuffer.allocate(OUT).order(ByteOrder.LITTLE_ENDIAN);
                m.putInt(Gna.OP_AFFINE).putInt(nIn).putInt(nOut).putInt(IN).putInt(OUT).putInt(WEIGHTS).putInt(BIAS);
                short[] x = new short[nIn];
                for (int i = 0; i < nIn; i++) {
                    x[i] = (short) r.nextInt(-400, 400);
                    m.putShort(IN + 2 * i, x[i]);
                }
                ByteBuffer expected = ByteBuffer.allocate(nOut * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int o = 0; o < nOut; o++) {
                    long acc = r.nextInt(-5000, 5000);
                    m.putInt(BIAS + 4 * o, (int) acc);
                    for (int i = 0; i < nIn; i++) {
                        short w = (short) r.nextInt(-400, 400);
                        m.putShort(WEIGHTS + 2 * (o * nIn + i), w);
                        acc += (long) w * x[i];
                    }
                    expected.putInt((int) acc);
                }
                p.mm().write(va, m.array(), 0, OUT);
                GnaCompute c = new GnaCompute(0, 1, List.of(new GnaBuffer(id, 0, SIZE, List.of())), Gna.MODE_XNN);
                long req = run.devices.ioctl(p, fd, c).requestId();
                run.devices.ioctl(p, fd, new GnaWait(req, 30_000));
                byte[] out = new byte[nOut * 4];
                p.mm().read(va + OUT, out, 0, out.length);
                run.check(name(), "request " + q + " outputs", expected.array(), out);
                run.step(name());
            }
        } finally {
            p.exit();
        }
    }
}
