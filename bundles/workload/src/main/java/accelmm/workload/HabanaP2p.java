package accelmm.workload;

import java.util.Arrays;
import java.util.SplittableRandom;

import accelmm.api.dma.Dma;
import accelmm.api.mm.MmProcess;
import accelmm.api.uapi.habana.HlAddress;
import accelmm.api.uapi.habana.HlAllocMemory;
import accelmm.api.uapi.habana.HlDeviceRead;
import accelmm.api.uapi.habana.HlDeviceWrite;
import accelmm.api.uapi.habana.HlDmabufRead;
import accelmm.api.uapi.habana.HlDmabufWrite;
import accelmm.api.uapi.habana.HlExportDmabuf;
import accelmm.api.uapi.habana.HlFreeMemory;
import accelmm.api.uapi.habana.HlHandle;
import accelmm.api.uapi.habana.HlMapMemory;
import accelmm.api.uapi.habana.HlUnmapMemory;

/**
 * Habana device memory shared peer to peer: habana0 exports DRAM as a dma-buf, another process
 * passes the descriptor to habana1, which copies from and to it by DMA. Device DRAM holds bytes in
 * stamps mode too, as a file's {@code habana-share}: the peer copies parts of pages.
 *
 * <p>Concurrency: one thread.
 */
final class HabanaP2p implements Workload {
    private static final int SIZE = 8 << 20;
    private final int rounds;

    HabanaP2p(int rounds) {
        this.rounds = rounds;
    }

    @Override
    public String name() {
        return "habana";
    }

    @Override
    public String device() {
        return "habana0";
    }

    @Override
    public String description() {
        return "Habana p2p: DRAM of habana0 exported by dma-buf and copied by habana1's DMA engine";
    }

    @Override
    public int steps() {
        return rounds;
    }

    @Override
    public void run(Run run) {
        SplittableRandom r = run.random(name());
        MmProcess exporter = run.spawn("habana-exporter");
        MmProcess importer = run.spawn("habana-importer");
        try {
            int fd0 = run.devices.open(exporter, "habana0");
            int fd1 = run.devices.open(importer, "habana1");
            long handle = run.devices.ioctl(exporter, fd0, new HlAllocMemory(SIZE, false)).value();
            long va = run.devices.ioctl(exporter, fd0, new HlMapMemory(handle)).deviceVa();
            byte[] dram = Run.bytes(r, SIZE);
            run.devices.ioctl(exporter, fd0, new HlDeviceWrite(va, dram));
            int buf = run.devices.ioctl(exporter, fd0, new HlExportDmabuf(va, SIZE, 0, Dma.O_RDWR | Dma.O_CLOEXEC));
            int imported = exporter.fds().passTo(buf, importer.fds());
            exporter.fds().close(buf);
            for (int k = 0; k < rounds; k++) {
                int off = r.nextInt(SIZE - 65536);
                byte[] got = run.devices.ioctl(importer, fd1, new HlDmabufRead(imported, off, 65536));
                run.check(name(), "peer read " + k, Arrays.copyOfRange(dram, off, off + 65536), got);
                byte[] patch = Run.bytes(r, 4096);
                run.devices.ioctl(importer, fd1, new HlDmabufWrite(imported, off, patch));
                System.arraycopy(patch, 0, dram, off, patch.length);
                run.step(name());
            }
            byte[] all = run.devices.ioctl(exporter, fd0, new HlDeviceRead(va, SIZE));
            run.check(name(), "exporter sees every peer write", dram, all);
            importer.fds().close(imported);
            run.devices.ioctl(exporter, fd0, new HlUnmapMemory(va));
            run.devices.ioctl(exporter, fd0, new HlFreeMemory(handle));
        } finally {
            importer.exit();
            exporter.exit();
        }
    }
}
