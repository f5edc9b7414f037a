package accelmm.workload;

import java.util.List;
import java.util.SplittableRandom;

import accelmm.api.mm.MmProcess;

/**
 * The {@code gna-infer} step of a workload file: one affine layer scored by the GNA with its
 * buffer pinned for the request, and checked against the CPU's own arithmetic.
 *
 * <p>Concurrency: runs on the process's thread.
 */
final class GnaInferStep {
    private GnaInferStep() {
    }

    /**
     * One GNA inference in a buffer of at least 64 KiB: the CPU writes a layer (descriptor at 0,
     * int16 inputs at 4 KiB, weights at 8 KiB, int32 biases at 24 KiB), the device writes the int32
     * outputs at 32 KiB; the outputs are checked against the CPU's own arithmetic.
     */
    static void run(ProcessSession session, ProcessSession.Buffer b, WorkloadFile.Step s, String what) {
        SplittableRandom r = session.r;
        MmProcess p = session.p;
        if (b.size() < 64 * 1024) {
            throw accelmm.api.Errno.EINVAL.exception("gna-infer needs a buffer of at least 64k");
        }
        int nIn = (int) s.size("inputs", 0);
        int nOut = (int) s.size("outputs", 0);
        java.nio.ByteBuffer img = java.nio.ByteBuffer.wrap(layerBase(b))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        img.putInt(0, accelmm.api.uapi.gna.Gna.OP_AFFINE).putInt(4, nIn).putInt(8, nOut).putInt(12, 4096).putInt(16, 32768)
                .putInt(20, 8192).putInt(24, 24576);
        short[] x = new short[nIn];
        for (int i = 0; i < nIn; i++) {
            x[i] = (short) r.nextInt(-300, 300);
            img.putShort(4096 + 2 * i, x[i]);
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(nOut * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int o = 0; o < nOut; o++) {
            long acc = r.nextInt(-10000, 10000);
            img.putInt(24576 + 4 * o, (int) acc);
            for (int i = 0; i < nIn; i++) {
                short w = (short) r.nextInt(-300, 300);
                img.putShort(8192 + 2 * (o * nIn + i), w);
                acc += (long) w * x[i];
            }
            out.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, acc)));
        }
        p.mm().write(b.address, img.array(), 0, 32768);
        if (b.stamps != null) {
            for (int pg = 0; pg < 8; pg++) {
                b.stamps.putBytes(pg, java.util.Arrays.copyOfRange(img.array(), pg * 4096, (pg + 1) * 4096));
            }
        } else {
            b.expected.put(0, img.array());
        }
        long id = ((accelmm.api.uapi.gna.GnaMemoryId) session.run.devices.ioctl(p, session.fd,
                new accelmm.api.uapi.gna.GnaMapMemory(b.address, b.size()))).memoryId();
        try {
            long req = ((accelmm.api.uapi.gna.GnaRequestId) session.run.devices.ioctl(p, session.fd, new accelmm.api.uapi.gna.GnaCompute(0, 1,
                    List.of(new accelmm.api.uapi.gna.GnaBuffer(id, 0, b.size(), List.of())),
                    accelmm.api.uapi.gna.Gna.MODE_XNN))).requestId();
            session.run.devices.ioctl(p, session.fd, new accelmm.api.uapi.gna.GnaWait(req, 30_000));
        } finally {
            session.run.devices.ioctl(p, session.fd, new accelmm.api.uapi.gna.GnaUnmapMemory(id));
        }
        byte[] seen = new byte[nOut * 4];
        p.mm().read(b.address + 32768, seen, 0, seen.length);
        session.run.check(session.name, what, out.array(), seen);
        if (b.stamps != null) {
            byte[] page = b.stamps.pageBytes(8);
            System.arraycopy(seen, 0, page, 0, seen.length);
            b.stamps.putBytes(8, page);
        } else {
            b.expected.put(32768, seen);
        }
    }

    /** What the first 32 KiB of a buffer must hold: the base a GNA layer is written over. */
    private static byte[] layerBase(ProcessSession.Buffer b) {
        if (b.stamps == null) {
            return b.expected.copy(0, 32768);
        }
        byte[] base = new byte[32768];
        for (int pg = 0; pg < 8; pg++) {
            System.arraycopy(b.stamps.pageBytes(pg), 0, base, pg * 4096, 4096);
        }
        return base;
    }
}
