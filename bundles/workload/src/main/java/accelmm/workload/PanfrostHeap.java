package accelmm.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Stamps;
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostSubmit;

/**
 * Panfrost heap growth by GPU faults: a job stream writes ever further into a heap BO, each new 2 MiB
 * block grown by a fault, then reads everything back.
 *
 * <p>Concurrency: one thread.
 */
final class PanfrostHeap implements Workload {
    private static final long HEAP = 64L << 20;
    private final int jobs;

    PanfrostHeap(int jobs) {
        this.jobs = jobs;
    }

    @Override
    public String name() {
        return "panfrost";
    }

    @Override
    public String device() {
        return "panfrost0";
    }

    @Override
    public String description() {
        return "Panfrost heap growth: GPU faults map 2 MiB blocks of a 64 MiB heap as jobs reach them";
    }

    @Override
    public int steps() {
        return jobs + 1;
    }

    @Override
    public void run(Run run) {
        SplittableRandom r = run.random(name());
        MmProcess p = run.spawn("panfrost-heap");
        try {
            int fd = run.devices.open(p, device());
            PanfrostBo heap = run.devices.ioctl(p, fd, new PanfrostCreateBo(HEAP, Panfrost.BO_HEAP | Panfrost.BO_NOEXEC, 0));
            if (run.stamps()) {
                withStamps(run, r, p, fd, heap);
            } else {
                withBytes(run, r, p, fd, heap);
            }
        } finally {
            p.exit();
        }
    }

    /** Each job stores 64 bytes at a random place of its part of the heap and loads them; a last job loads them all. */
    private void withBytes(Run run, SplittableRandom r, MmProcess p, int fd, PanfrostBo heap) {
        List<byte[]> written = new ArrayList<>();
        List<PanfrostCmd> loads = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            long at = heap.offset() + j * (HEAP / jobs) + r.nextInt(4096);
            byte[] data = Run.bytes(r, 64);
            PanfrostJob job = run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(heap.handle()),
                    List.of(PanfrostCmd.store(at, data), PanfrostCmd.load(at, data.length))));
            run.check(name(), "job " + j, data, job.done() ? job.loads().get(0) : new byte[0]);
            written.add(data);
            loads.add(PanfrostCmd.load(at, data.length));
            run.step(name());
        }
        PanfrostJob all = run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(heap.handle()), loads));
        for (int j = 0; j < written.size(); j++) {
            run.check(name(), "read back " + j, written.get(j), all.done() ? all.loads().get(j) : new byte[0]);
        }
        run.step(name());
    }

    /** The same in stamps mode: each job stores a whole page's stamp at a random page of its part. */
    private void withStamps(Run run, SplittableRandom r, MmProcess p, int fd, PanfrostBo heap) {
        List<long[]> written = new ArrayList<>();
        List<PanfrostCmd> loads = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            long at = heap.offset() + j * (HEAP / jobs) + 4096L * r.nextInt((int) (HEAP / jobs / 4096));
            long[] st = Run.stamps(r, at, 1);
            PanfrostJob job = run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(heap.handle()),
                    List.of(PanfrostCmd.storeStamps(at, st), PanfrostCmd.loadStamps(at, 1))));
            run.check(name(), "job " + j, st, job.done() ? Stamps.unpack(job.loads().get(0)) : new long[0]);
            written.add(st);
            loads.add(PanfrostCmd.loadStamps(at, 1));
            run.step(name());
        }
        PanfrostJob all = run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(heap.handle()), loads));
        for (int j = 0; j < written.size(); j++) {
            run.check(name(), "read back " + j, written.get(j), all.done() ? Stamps.unpack(all.loads().get(j)) : new long[0]);
        }
        run.step(name());
    }
}
