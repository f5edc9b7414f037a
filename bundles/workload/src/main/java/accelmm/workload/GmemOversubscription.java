package accelmm.workload;

import java.util.List;
import java.util.SplittableRandom;

import accelmm.api.gmem.GmMmuMode;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRegion;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.mm.Stamps;
import accelmm.api.uapi.gmem.GmemAttach;
import accelmm.api.uapi.gmem.GmemMarkHot;
import accelmm.api.uapi.gmem.GmemOp;
import accelmm.api.uapi.gmem.GmemResidency;
import accelmm.api.uapi.gmem.GmemRun;
import accelmm.api.uapi.gmem.GmemRunResult;

/**
 * GMEM oversubscription: a working set half again as large as the NPU's memory, one region of it
 * marked hot; kernels fault each 2 MiB region in, the least recently used go home to make room, a
 * second pass faults the evicted ones back, and the CPU reads everything back. In stamps mode a
 * kernel stores stamps derived from its value where it would increment every byte.
 *
 * <p>Concurrency: one thread.
 */
final class GmemOversubscription implements Workload {
    private static final int REGION = (int) GmPage.REGION;
    private final int regions;

    GmemOversubscription(int regions) {
        this.regions = regions;
    }

    @Override
    public String name() {
        return "gmem";
    }

    @Override
    public String device() {
        return "gmem0";
    }

    @Override
    public String description() {
        return "GMEM: a working set 1.5x the NPU's memory, fault-driven migration both ways, LRU eviction, a hot region kept";
    }

    @Override
    public int steps() {
        return regions * 3;
    }

    @Override
    public void run(Run run) {
        SplittableRandom r = run.random(name());
        MmProcess p = run.spawn("gmem-npu");
        try {
            int fd = run.devices.open(p, device());
            run.devices.ioctl(p, fd, new GmemAttach(GmMmuMode.COHERENT_EXCLUSIVE));
            long a = p.mm().mmap(0, (long) regions * REGION, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
            if (run.stamps()) {
                withStamps(run, r, p, fd, a);
            } else {
                withBytes(run, r, p, fd, a);
            }
        } finally {
            p.exit();
        }
    }

    /** Each region written by the CPU, incremented by a kernel, read by a kernel and by the CPU. */
    private void withBytes(Run run, SplittableRandom r, MmProcess p, int fd, long a) {
        byte[][] data = new byte[regions][];
        for (int i = 0; i < regions; i++) {
            data[i] = Run.bytes(r, REGION);
            p.mm().write(a + (long) i * REGION, data[i], 0, REGION);
        }
        run.devices.ioctl(p, fd, new GmemMarkHot(a, REGION));
        for (int i = 0; i < regions; i++) {
            run.devices.ioctl(p, fd, new GmemRun(GmemOp.INC, a + (long) i * REGION, REGION, i + 1));
            for (int k = 0; k < REGION; k++) {
                data[i][k] += (byte) (i + 1);
            }
            run.step(name());
        }
        for (int i = 0; i < regions; i++) {
            GmemRunResult x = run.devices.ioctl(p, fd, new GmemRun(GmemOp.LOAD, a + (long) i * REGION, REGION, 0));
            run.check(name(), "NPU read of region " + i, data[i], x.data());
            run.step(name());
        }
        checkHot(run, p, fd, a);
        for (int i = 0; i < regions; i++) {
            byte[] back = new byte[REGION];
            p.mm().read(a + (long) i * REGION, back, 0, REGION);
            run.check(name(), "CPU read of region " + i, data[i], back);
            run.step(name());
        }
    }

    /** The same in stamps mode: a kernel stores stamps derived from its value where it would increment bytes. */
    private void withStamps(Run run, SplittableRandom r, MmProcess p, int fd, long a) {
        int pages = REGION / 4096;
        long[][] model = new long[regions][];
        for (int i = 0; i < regions; i++) {
            long at = a + (long) i * REGION;
            model[i] = Run.stamps(r, at, pages);
            p.mm().writeStamps(at, model[i], 0, pages);
        }
        run.devices.ioctl(p, fd, new GmemMarkHot(a, REGION));
        for (int i = 0; i < regions; i++) {
            long at = a + (long) i * REGION;
            run.devices.ioctl(p, fd, new GmemRun(GmemOp.STORE_STAMPS, at, REGION, i + 1));
            for (int k = 0; k < pages; k++) {
                model[i][k] = Stamps.derive(i + 1, at + k * 4096L);
            }
            run.step(name());
        }
        for (int i = 0; i < regions; i++) {
            GmemRunResult x = run.devices.ioctl(p, fd, new GmemRun(GmemOp.LOAD_STAMPS, a + (long) i * REGION, REGION, 0));
            run.check(name(), "NPU read of region " + i, model[i], Stamps.unpack(x.data()));
            run.step(name());
        }
        checkHot(run, p, fd, a);
        for (int i = 0; i < regions; i++) {
            long[] back = new long[pages];
            p.mm().readStamps(a + (long) i * REGION, back, 0, pages);
            run.check(name(), "CPU read of region " + i, model[i], back);
            run.step(name());
        }
    }

    @SuppressWarnings("unchecked")
    private void checkHot(Run run, MmProcess p, int fd, long a) {
        List<GmRegion> table = run.devices.ioctl(p, fd, new GmemResidency(a, REGION));
        run.check(name(), "the hot region stayed on the NPU",
                table.size() == 1 && table.get(0).flags() == (GmPage.DEVICE | GmPage.WILLNEED));
    }
}
