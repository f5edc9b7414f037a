package accelmm.driver.panfrost;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostFreeBo;
import accelmm.api.uapi.panfrost.PanfrostGetBoOffset;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostMadvise;
import accelmm.api.uapi.panfrost.PanfrostMmapBo;
import accelmm.api.uapi.panfrost.PanfrostSubmit;
import accelmm.core.StandaloneCore;
import accelmm.core.dma.VgemImpl;

/** PRIME on Panfrost: export to vgem and back, import of a heap buffer, lifetimes and the shrinker. */
class PanfrostPrimeTest {
    static final long MIB = 1L << 20;
    static final int PAGE = 4096;
    static final int RW = Drm.RDWR | Drm.CLOEXEC;

    final StandaloneCore core = new StandaloneCore(160 * MIB, 100, false, Set.of());
    final VgemImpl vgem = new VgemImpl(core.dma);

    PanfrostPrimeTest() {
        core.devices.configure("panfrost0", new DeviceSpec("panfrost0", "panfrost", 0, (1L << 12) | (1L << 21), 1L << 12,
                1L << 32, null, 2, Map.of()));
        core.devices.addDriver(new PanfrostDriver(), "panfrost", 1, 0, "accelmm.driver.panfrost", "test");
    }

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNothingLeaks(core.memory, core.dma, core::close, core.diag.warnings()::count);
    }



    final class Gpu {
        final MmProcess p;
        final int fd;

        Gpu() {
            this(core.memory.spawn("gpu-user"));
        }

        Gpu(MmProcess p) {
            this.p = p;
            this.fd = core.devices.open(p, "panfrost0");
        }

        <R> R ioctl(accelmm.api.device.Request<R> r) {
            return core.devices.ioctl(p, fd, r);
        }

        PanfrostBo create(long size, int flags) {
            return ioctl(new PanfrostCreateBo(size, flags, 0));
        }

        int export(int handle) {
            return ioctl(new PrimeHandleToFd(handle, RW));
        }

        int importFd(int dmabufFd) {
            return ioctl(new PrimeFdToHandle(dmabufFd));
        }

        long va(int handle) {
            return ioctl(new PanfrostGetBoOffset(handle));
        }

        PanfrostJob job(List<Integer> bos, PanfrostCmd... cmds) {
            return ioctl(new PanfrostSubmit(bos, List.of(cmds)));
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

    @Test
    void anExportedBoIsTheSamePagesForVgemAndTheGpu() {
        Gpu g = new Gpu();
        PanfrostBo bo = g.create(3 * PAGE, Panfrost.BO_NOEXEC);
        assertErrno(Errno.EINVAL, () -> g.ioctl(new PrimeHandleToFd(bo.handle(), 1)));
        assertErrno(Errno.ENOENT, () -> g.ioctl(new PrimeHandleToFd(99, RW)));
        int fd = g.export(bo.handle());
        int again = g.export(bo.handle());
        assertNotEquals(fd, again);
        assertEquals(g.inode(fd), g.inode(again), "a BO has one dma-buf");
        assertEquals(bo.handle(), g.importFd(fd), "importing its own export gives the BO back");

        byte[] gpu = pattern(5000, 3);
        assertTrue(g.job(List.of(bo.handle()), PanfrostCmd.store(bo.offset() + 1000, gpu)).done());
        int v = vgem.open(g.p.fds());
        int h = vgem.primeFdToHandle(g.p.fds(), v, fd);
        byte[] got = new byte[5000];
        vgem.read(g.p.fds(), v, h, 1000, got, 0, got.length);
        assertArrayEquals(gpu, got, "vgem reads what the GPU stored");
        byte[] dev = pattern(100, 9);
        vgem.write(g.p.fds(), v, h, 2 * PAGE + 7, dev, 0, dev.length);
        PanfrostJob load = g.job(List.of(bo.handle()), PanfrostCmd.load(bo.offset() + 2 * PAGE + 7, 100));
        assertArrayEquals(dev, load.loads().get(0), "the GPU loads what vgem wrote");

        long cpu = core.dma.mmap(g.p.fds(), fd, g.p.mm(), 0, 3 * PAGE, Prot.READ | Prot.WRITE, MapFlags.SHARED, 0);
        byte[] viaCpu = new byte[100];
        g.p.mm().read(cpu + 2 * PAGE + 7, viaCpu, 0, 100);
        assertArrayEquals(dev, viaCpu, "a process maps the dma-buf as the same pages");
        g.p.mm().munmap(cpu, 3 * PAGE);

        // The BO outlives its handle while the buffer lives.
        g.ioctl(new PanfrostFreeBo(bo.handle()));
        vgem.read(g.p.fds(), v, h, 1000, got, 0, got.length);
        assertArrayEquals(gpu, got);
        g.p.fds().close(fd);
        g.p.fds().close(again);
        assertEquals(1, core.dma.bufs().size(), "vgem still holds it");
        vgem.gemClose(g.p.fds(), v, h);
        assertEquals(List.of(), core.dma.bufs());
    }

    @Test
    void aHeapBoExportsButNothingCanAttachToIt() {
        Gpu g = new Gpu();
        PanfrostBo heap = g.create(2 * MIB, Panfrost.BO_HEAP | Panfrost.BO_NOEXEC);
        int fd = g.export(heap.handle());
        int v = vgem.open(g.p.fds());
        assertErrno(Errno.EINVAL, () -> vgem.primeFdToHandle(g.p.fds(), v, fd));
        assertEquals(0, core.dma.bufs().get(0).attachments().size());
        Gpu other = new Gpu();
        int passed = g.p.fds().passTo(fd, other.p.fds());
        assertErrno(Errno.EINVAL, () -> other.importFd(passed));
    }

    @Test
    void anImportedHeapBufferGetsAGpuAddressOverItsPages() {
        Gpu g = new Gpu();
        int heapFd = core.dma.heapOpen(g.p.fds(), "system");
        int buf = core.dma.heapAlloc(g.p.fds(), heapFd, 5 * PAGE, Dma.O_RDWR, 0);
        long cpu = core.dma.mmap(g.p.fds(), buf, g.p.mm(), 0, 5 * PAGE, Prot.READ | Prot.WRITE, MapFlags.SHARED, 0);
        byte[] data = pattern(5 * PAGE, 1);
        g.p.mm().write(cpu, data, 0, data.length);

        assertErrno(Errno.EBADF, () -> g.importFd(77));
        assertErrno(Errno.EINVAL, () -> g.importFd(heapFd));
        int handle = g.importFd(buf);
        assertEquals(handle, g.importFd(buf), "the same buffer imports as the same handle");
        long va = g.va(handle);
        assertTrue(va >= Panfrost.VA_START && va + 5 * PAGE <= Panfrost.VA_END);
        PanfrostJob load = g.job(List.of(handle), PanfrostCmd.load(va, 5 * PAGE));
        assertArrayEquals(data, load.loads().get(0), "the GPU reads what the CPU wrote");
        assertTrue(g.job(List.of(handle), PanfrostCmd.store(va + 4 * PAGE + 5, new byte[] {1, 2, 3})).done());
        byte[] back = new byte[3];
        g.p.mm().read(cpu + 4 * PAGE + 5, back, 0, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, back, "the CPU reads what the GPU stored");
        assertErrno(Errno.EINVAL, () -> g.ioctl(new PanfrostMmapBo(handle, 0)));

        // Re-exporting an import gives the original buffer; another file gets its own handle and address.
        int re = g.export(handle);
        assertEquals(g.inode(buf), g.inode(re));
        Gpu other = new Gpu(g.p);
        int theirs = other.importFd(re);
        PanfrostJob theirLoad = other.job(List.of(theirs), PanfrostCmd.load(other.va(theirs) + 4 * PAGE + 5, 3));
        assertArrayEquals(new byte[] {1, 2, 3}, theirLoad.loads().get(0));
        assertEquals(2, core.dma.bufs().get(0).attachments().size());

        // DONTNEED never purges a shared BO.
        g.ioctl(new PanfrostMadvise(handle, Panfrost.MADV_DONTNEED));
        assertEquals(0, PanfrostDriver.shrink(core.devices.file(g.p, g.fd).device(), Long.MAX_VALUE));
        g.ioctl(new PanfrostFreeBo(handle));
        assertEquals(1, core.dma.bufs().get(0).attachments().size());
        g.p.mm().munmap(cpu, 5 * PAGE);
        // Exit closes the rest: the other file's import, the descriptors.
    }

    @Test
    void anExportedDontneedBoIsPurgedOnlyOnceItsBufferIsGone() {
        Gpu g = new Gpu();
        PanfrostBo bo = g.create(4 * PAGE, Panfrost.BO_NOEXEC);
        g.ioctl(new PanfrostMadvise(bo.handle(), Panfrost.MADV_DONTNEED));
        int fd = g.export(bo.handle());
        var bos = core.devices.file(g.p, g.fd).device();
        assertEquals(0, PanfrostDriver.shrink(bos, Long.MAX_VALUE), "an exported BO is not purgeable");
        g.p.fds().close(fd);
        assertEquals(4, PanfrostDriver.shrink(bos, Long.MAX_VALUE), "with its buffer gone it is again");
        int fresh = g.export(bo.handle());
        assertTrue(fresh >= 0, "a purged BO exports its new, empty pages");
    }
}
