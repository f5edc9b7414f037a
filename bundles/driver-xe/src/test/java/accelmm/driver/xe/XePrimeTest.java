package accelmm.driver.xe;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.testing.Leaks;
import accelmm.api.Errno;
import accelmm.api.device.DeviceSpec;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.drm.Drm;
import accelmm.api.uapi.drm.PrimeFdToHandle;
import accelmm.api.uapi.drm.PrimeHandleToFd;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBindBo;
import accelmm.api.uapi.xe.XeBoClose;
import accelmm.api.uapi.xe.XeBoCreate;
import accelmm.api.uapi.xe.XeCmd;
import accelmm.api.uapi.xe.XeExec;
import accelmm.api.uapi.xe.XeExecResult;
import accelmm.api.uapi.xe.XeGemMmapOffset;
import accelmm.api.uapi.xe.XeMmap;
import accelmm.api.uapi.xe.XeUnbind;
import accelmm.api.uapi.xe.XeVmCreate;
import accelmm.core.StandaloneCore;
import accelmm.core.dma.VgemImpl;

/** PRIME on Xe: a VRAM BO exported moves to system memory, an imported heap buffer binds like a BO. */
class XePrimeTest {
    static final long MIB = 1L << 20;
    static final int PAGE = 4096;
    static final int RW = Drm.RDWR | Drm.CLOEXEC;

    final StandaloneCore core = new StandaloneCore(96 * MIB, 50, false, Set.of());
    final VgemImpl vgem = new VgemImpl(core.dma);

    XePrimeTest() {
        core.devices.configure("xe0", new DeviceSpec("xe0", "xe", 4 * MIB, (1L << 12) | (2 * MIB), 1L << 12, 1L << 32, null, 1, Map.of()));
        core.devices.addDriver(new XeDriver(), "xe", 1, 0, "accelmm.driver.xe", "test");
    }

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNothingLeaks(core.memory, core.dma, core::close, core.diag.warnings()::count);
    }



    final class Gpu {
        final MmProcess p = core.memory.spawn("xe-user");
        final int fd = core.devices.open(p, "xe0");
        final int vm = ioctl(new XeVmCreate(false));

        <R> R ioctl(accelmm.api.device.Request<R> r) {
            return core.devices.ioctl(p, fd, r);
        }

        XeExecResult exec(XeCmd... cmds) {
            return ioctl(new XeExec(vm, List.of(cmds)));
        }

        long inode(int dmabufFd) {
            DmaBuf b = core.dma.get(p.fds(), dmabufFd);
            try {
                return b.inode();
            } finally {
                b.put();
            }
        }
    }

    long stat(String name) {
        return core.devices.stats("xe0").getOrDefault(name, 0L);
    }

    @Test
    void anExportedVramBoMovesToSystemMemoryWithItsBytesAndStaysBound() {
        Gpu g = new Gpu();
        int bo = g.ioctl(new XeBoCreate(3 * PAGE, Xe.LOC_VRAM));
        long va = 0x100000;
        g.ioctl(new XeBindBo(g.vm, bo, va));
        byte[] data = pattern(3 * PAGE - 100, 5);
        assertTrue(g.exec(XeCmd.store(va + 50, data)).done());
        long vramUsed = core.devices.stats("xe0").getOrDefault("xe.bo_evict", 0L);

        assertErrno(Errno.EINVAL, () -> g.ioctl(new PrimeHandleToFd(bo, 4)));
        assertErrno(Errno.ENOENT, () -> g.ioctl(new PrimeHandleToFd(bo + 1, RW)));
        int fd = g.ioctl(new PrimeHandleToFd(bo, RW));
        assertEquals(vramUsed + 1, stat("xe.bo_evict"), "the BO moved to system memory");
        int again = g.ioctl(new PrimeHandleToFd(bo, RW));
        assertEquals(g.inode(fd), g.inode(again));
        assertEquals(bo, g.ioctl(new PrimeFdToHandle(fd)), "its own export imports as itself");

        int v = vgem.open(g.p.fds());
        int h = vgem.primeFdToHandle(g.p.fds(), v, fd);
        byte[] got = new byte[data.length];
        vgem.read(g.p.fds(), v, h, 50, got, 0, got.length);
        assertArrayEquals(data, got, "vgem reads what the GPU stored in VRAM");
        vgem.write(g.p.fds(), v, h, 0, new byte[] {4, 5, 6}, 0, 3);
        assertArrayEquals(new byte[] {4, 5, 6}, g.exec(XeCmd.load(va, 3)).loads().get(0), "the VM maps the moved pages");

        // The BO outlives its handle while the buffer lives.
        g.ioctl(new XeUnbind(g.vm, va, va + 3 * PAGE));
        g.ioctl(new XeBoClose(bo));
        vgem.read(g.p.fds(), v, h, 50, got, 0, got.length);
        assertArrayEquals(data, got);
        g.p.fds().close(fd);
        g.p.fds().close(again);
        vgem.gemClose(g.p.fds(), v, h);
        assertEquals(List.of(), core.dma.bufs());
    }

    @Test
    void aMappedVramBoMovesToSystemMemoryAndTheCpuAndGpuShareIt() {
        Gpu g = new Gpu();
        int vram = g.ioctl(new XeBoCreate(2 * PAGE, Xe.LOC_VRAM));
        int sys = g.ioctl(new XeBoCreate(PAGE, Xe.LOC_SYSTEM));
        long va = 0x300000;
        g.ioctl(new XeBindBo(g.vm, vram, va));
        byte[] gpu = pattern(PAGE + 10, 4);
        assertTrue(g.exec(XeCmd.store(va + 5, gpu)).done());
        assertErrno(Errno.EINVAL, () -> g.ioctl(new XeGemMmapOffset(vram, 1)));
        assertErrno(Errno.ENOENT, () -> g.ioctl(new XeGemMmapOffset(99, 0)));
        long evicted = stat("xe.bo_evict");
        XeMmap m = g.ioctl(new XeGemMmapOffset(vram, 0));
        assertEquals(evicted + 1, stat("xe.bo_evict"), "the VRAM BO moved to system memory");
        assertEquals(1, stat("xe.bo_cpu_migrate"));
        long cpu = g.p.mm().mmap(0, 2 * PAGE, Prot.READ | Prot.WRITE, MapFlags.SHARED, m.file(), 0);
        byte[] got = new byte[gpu.length];
        g.p.mm().read(cpu + 5, got, 0, got.length);
        assertArrayEquals(gpu, got, "the CPU reads what the GPU stored in VRAM");
        g.p.mm().write(cpu + 2 * PAGE - 3, new byte[] {1, 2, 3}, 0, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, g.exec(XeCmd.load(va + 2 * PAGE - 3, 3)).loads().get(0),
                "the GPU, still bound at the same address, reads what the CPU wrote");
        XeMmap s = g.ioctl(new XeGemMmapOffset(sys, 0));
        assertEquals(1, stat("xe.bo_cpu_migrate"), "a system BO does not move");
        assertEquals(PAGE, s.file().size());
        g.p.mm().munmap(cpu, 2 * PAGE);
    }

    @Test
    void anImportedHeapBufferBindsLikeABo() {
        Gpu g = new Gpu();
        int heap = core.dma.heapOpen(g.p.fds(), "system");
        int buf = core.dma.heapAlloc(g.p.fds(), heap, 2 * PAGE, Dma.O_RDWR, 0);
        long cpu = core.dma.mmap(g.p.fds(), buf, g.p.mm(), 0, 2 * PAGE, Prot.READ | Prot.WRITE, MapFlags.SHARED, 0);
        byte[] data = pattern(2 * PAGE, 2);
        g.p.mm().write(cpu, data, 0, data.length);

        assertErrno(Errno.EBADF, () -> g.ioctl(new PrimeFdToHandle(99)));
        assertErrno(Errno.EINVAL, () -> g.ioctl(new PrimeFdToHandle(heap)));
        int bo = g.ioctl(new PrimeFdToHandle(buf));
        assertEquals(bo, g.ioctl(new PrimeFdToHandle(buf)));
        long va = 0x200000;
        g.ioctl(new XeBindBo(g.vm, bo, va));
        assertArrayEquals(data, g.exec(XeCmd.load(va, 2 * PAGE)).loads().get(0));
        assertTrue(g.exec(XeCmd.store(va + PAGE + 1, new byte[] {9, 9})).done());
        byte[] back = new byte[2];
        g.p.mm().read(cpu + PAGE + 1, back, 0, 2);
        assertArrayEquals(new byte[] {9, 9}, back);
        assertErrno(Errno.EBUSY, () -> g.ioctl(new XeBoClose(bo)));

        int re = g.ioctl(new PrimeHandleToFd(bo, RW));
        assertEquals(g.inode(buf), g.inode(re), "re-exporting an import gives the original buffer");
        g.ioctl(new XeUnbind(g.vm, va, va + 2 * PAGE));
        g.ioctl(new XeBoClose(bo));
        assertEquals(0, core.dma.bufs().get(0).attachments().size());
        g.p.mm().munmap(cpu, 2 * PAGE);
    }
}
