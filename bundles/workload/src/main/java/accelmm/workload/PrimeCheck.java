package accelmm.workload;

import java.util.List;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.dma.Vgem;
import accelmm.api.mm.FdTable;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.drm.Drm;
import accelmm.api.uapi.drm.PrimeHandleToFd;
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostFreeBo;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostSubmit;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBoClose;
import accelmm.api.uapi.xe.XeBoCreate;
import accelmm.api.uapi.xe.XeGemMmapOffset;
import accelmm.api.uapi.xe.XeMmap;

/**
 * A BO shared by PRIME under load: exported, imported by vgem, its bytes checked through vgem's DMA
 * mapping, the process's mmap of the dma-buf and the GPU, and its handle freed, sometimes while vgem
 * still holds it. Panfrost BOs are written by a job; Xe BOs (VRAM or system) by vgem, and read back
 * through the BO's mmap offset, which moves a VRAM BO to system memory.
 *
 * <p>Concurrency: the session's thread; driver updates and other threads race it.
 */
final class PrimeCheck {
    private static final int[] SIZES = {64 << 10, 256 << 10, 1 << 20};
    private static final int FLAGS = Drm.RDWR | Drm.CLOEXEC;

    private PrimeCheck() {
    }

    static void panfrost(ProcessSession s, String what, Vgem vgem) {
        long size = SIZES[s.r.nextInt(SIZES.length)];
        PanfrostBo bo = s.run.devices.ioctl(s.p, s.fd, new PanfrostCreateBo(size, Panfrost.BO_NOEXEC, 0));
        boolean freed = false;
        try {
            long page = 4096L * s.r.nextInt((int) (size / 4096));
            byte[] data = Run.bytes(s.r, 4096);
            PanfrostJob w = s.run.devices.ioctl(s.p, s.fd, new PanfrostSubmit(List.of(bo.handle()),
                    List.of(PanfrostCmd.store(bo.offset() + page, data))));
            s.run.check(s.name, what + " (job done)", w.done());
            int buf = s.run.devices.ioctl(s.p, s.fd, new PrimeHandleToFd(bo.handle(), FLAGS));
            FdTable fds = s.p.fds();
            try {
                int v = vgem.open(fds);
                try {
                    int h = vgem.primeFdToHandle(fds, v, buf);
                    byte[] got = new byte[4096];
                    vgem.read(fds, v, h, page, got, 0, got.length);
                    s.run.check(s.name, what + " (vgem reads what the GPU stored)", data, got);
                    if (s.r.nextBoolean()) {
                        s.run.devices.ioctl(s.p, s.fd, new PanfrostFreeBo(bo.handle()));
                        freed = true;
                        vgem.read(fds, v, h, page, got, 0, got.length);
                        s.run.check(s.name, what + " (the buffer outlives the BO's handle)", data, got);
                    } else {
                        byte[] mine = Run.bytes(s.r, 64);
                        vgem.write(fds, v, h, page, mine, 0, mine.length);
                        PanfrostJob back = s.run.devices.ioctl(s.p, s.fd, new PanfrostSubmit(List.of(bo.handle()),
                                List.of(PanfrostCmd.load(bo.offset() + page, 64))));
                        s.run.check(s.name, what + " (the GPU reads what vgem wrote)", mine,
                                back.done() ? back.loads().get(0) : new byte[0]);
                    }
                } finally {
                    fds.close(v);
                }
            } finally {
                fds.close(buf);
            }
        } finally {
            if (!freed) {
                s.run.devices.ioctl(s.p, s.fd, new PanfrostFreeBo(bo.handle()));
            }
        }
    }

    static void xe(ProcessSession s, String what, Vgem vgem) {
        long size = SIZES[s.r.nextInt(SIZES.length)];
        int placement = s.r.nextBoolean() ? Xe.LOC_VRAM : Xe.LOC_SYSTEM;
        int bo;
        try {
            bo = s.run.devices.ioctl(s.p, s.fd, new XeBoCreate(size, placement));
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOMEM && placement == Xe.LOC_VRAM) {
                return;
            }
            throw e;
        }
        FdTable fds = s.p.fds();
        try {
            int buf = s.run.devices.ioctl(s.p, s.fd, new PrimeHandleToFd(bo, FLAGS));
            try {
                int v = vgem.open(fds);
                try {
                    int h = vgem.primeFdToHandle(fds, v, buf);
                    long page = 4096L * s.r.nextInt((int) (size / 4096));
                    byte[] data = Run.bytes(s.r, 4096);
                    vgem.write(fds, v, h, page, data, 0, data.length);
                    XeMmap m = s.run.devices.ioctl(s.p, s.fd, new XeGemMmapOffset(bo, 0));
                    long cpu = s.p.mm().mmap(0, size, Prot.READ | Prot.WRITE, MapFlags.SHARED, m.file(), 0);
                    try {
                        byte[] got = new byte[4096];
                        s.p.mm().read(cpu + page, got, 0, got.length);
                        s.run.check(s.name, what + " (the CPU reads what vgem wrote)", data, got);
                    } finally {
                        s.p.mm().munmap(cpu, size);
                    }
                } finally {
                    fds.close(v);
                }
            } finally {
                fds.close(buf);
            }
        } finally {
            s.run.devices.ioctl(s.p, s.fd, new XeBoClose(bo));
        }
    }
}
