package accelmm.core.dma;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufOps;
import accelmm.api.dma.DmaHeapIoctl;
import accelmm.api.mm.FdTable;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;

/** dma-buf heaps, a process's mmap of a dma-buf, DMA_BUF_IOCTL_SYNC and the vgem importer. */
class DmaHeapTest extends DmaFixture {
    static final int RW = Prot.READ | Prot.WRITE;
    final VgemImpl vgem = new VgemImpl(dma);
    final MmProcess p = mm.spawn("heap");
    final FdTable fds = p.fds();
    final long hostUsedAtStart = hostUsed();

    @AfterEach
    void everythingIsReleased() {
        for (var q : mm.processes()) {
            mm.process(q.pid()).exit();
        }
        assertEquals(List.of(), dma.bufs());
        assertEquals(List.of(), mm.check());
        assertEquals(hostUsedAtStart, hostUsed(), "the heap's pages went back");
        assertEquals(0, diag.warnings().count());
    }

    long hostUsed() {
        return mm.nodes().get(0).used();
    }

    int heap() {
        return dma.heapOpen(fds, "system");
    }

    @Test
    void theSystemHeapIsTheOnlyHeap() {
        assertEquals(List.of("system"), dma.heaps());
        assertErrno(Errno.ENOENT, () -> dma.heapOpen(fds, "cma"));
        int v = vgem.open(fds);
        assertErrno(Errno.ENOTTY, () -> dma.heapAlloc(fds, v, 4096, Dma.O_RDWR, 0));
        assertErrno(Errno.EBADF, () -> dma.heapAlloc(fds, 99, 4096, Dma.O_RDWR, 0));
        fds.close(v);
    }

    @Test
    void allocationChecksItsFlagsAndLengthAsTheKernel() {
        int h = heap();
        assertErrno(Errno.EINVAL, () -> dma.heapAlloc(fds, h, 0, Dma.O_RDWR, 0));
        assertErrno(Errno.EINVAL, () -> dma.heapAlloc(fds, h, -4095, Dma.O_RDWR, 0), "rounds up to 0");
        assertErrno(Errno.EINVAL, () -> dma.heapAlloc(fds, h, 4096, 0x40, 0), "O_CREAT is no fd flag");
        assertErrno(Errno.EINVAL, () -> dma.heapAlloc(fds, h, 4096, Dma.O_RDWR, 1), "no heap flags exist");
        assertErrno(Errno.ENOMEM, () -> dma.heapAlloc(fds, h, 1L << 40, Dma.O_RDWR, 0));
        assertErrno(Errno.ENOMEM, () -> dma.heapAlloc(fds, h, 64L << 20, Dma.O_RDWR, 0), "more than the 32 MiB host");
        assertEquals(List.of(), dma.bufs(), "a refused allocation leaves nothing");
        assertEquals(hostUsedAtStart, hostUsed());
        for (int mode : new int[] {Dma.O_RDONLY, Dma.O_WRONLY, Dma.O_RDWR, Dma.O_RDWR | Dma.O_CLOEXEC}) {
            int fd = dma.heapAlloc(fds, h, 1, mode, 0);
            assertEquals(4096, size(fd), "lengths round up to pages");
            fds.close(fd);
        }
        fds.close(h);
    }

    @Test
    void theIoctlTakesOlderAndNewerStructSizes() {
        int h = heap();
        byte[] data = DmaHeapIoctl.allocData(24, 8192, Dma.O_RDWR, 0);
        data[8] = 5;
        assertErrno(Errno.EINVAL, () -> dma.heapIoctl(fds, h, DmaHeapIoctl.ALLOC, data), "fd must be 0 on entry");
        data[8] = 0;
        int badNr = DmaHeapIoctl.ioc(3, 'H', 1, 24);
        assertErrno(Errno.EINVAL, () -> dma.heapIoctl(fds, h, badNr, data));
        assertErrno(Errno.EFAULT, () -> dma.heapIoctl(fds, h, DmaHeapIoctl.ALLOC, new byte[16]));

        // An older struct without heap_flags: what the user does not pass reads as zero, even past
        // the end of what the command says it holds.
        byte[] older = DmaHeapIoctl.allocData(24, 8192, Dma.O_RDWR, 7);
        dma.heapIoctl(fds, h, DmaHeapIoctl.ioc(3, 'H', 0, 16), older);
        int fd1 = DmaHeapIoctl.fd(older);
        assertEquals(7, ByteBuffer.wrap(older).order(ByteOrder.LITTLE_ENDIAN).getLong(16), "bytes past the size stay");

        // A newer, longer struct: the extra bytes come back as they went in.
        byte[] newer = DmaHeapIoctl.allocData(32, 8192, Dma.O_RDWR, 0);
        newer[31] = 42;
        dma.heapIoctl(fds, h, DmaHeapIoctl.ioc(3, 'H', 0, 32), newer);
        int fd2 = DmaHeapIoctl.fd(newer);
        assertEquals(42, newer[31]);
        byte[] newerFlags = DmaHeapIoctl.allocData(32, 8192, Dma.O_RDWR, 1);
        assertErrno(Errno.EINVAL, () -> dma.heapIoctl(fds, h, DmaHeapIoctl.ioc(3, 'H', 0, 32), newerFlags));

        // Without _IOC_WRITE nothing is read: the length is 0.
        assertErrno(Errno.EINVAL, () -> dma.heapIoctl(fds, h, DmaHeapIoctl.ioc(2, 'H', 0, 24),
                DmaHeapIoctl.allocData(24, 8192, Dma.O_RDWR, 0)));
        // The kernel does not look at the type byte.
        byte[] otherType = DmaHeapIoctl.allocData(24, 4096, Dma.O_RDWR, 0);
        dma.heapIoctl(fds, h, DmaHeapIoctl.ioc(3, 'Z', 0, 24), otherType);
        int fd3 = DmaHeapIoctl.fd(otherType);

        assertEquals(List.of(8192L, 8192L, 4096L), List.of(size(fd1), size(fd2), size(fd3)));
        assertTrue(fd1 != fd2 && fd2 != fd3 && fd1 != h);
        for (int fd : new int[] {fd1, fd2, fd3, h}) {
            fds.close(fd);
        }
    }

    long size(int fd) {
        DmaBuf b = dma.get(fds, fd);
        try {
            return b.size();
        } finally {
            b.put();
        }
    }

    @Test
    void buffersAreZeroedAndTheCpuAndADeviceSeeTheSamePages() {
        int h = heap();
        int len = 3 * PAGE + 100;
        int fd = dma.heapAlloc(fds, h, len, Dma.O_RDWR, 0);
        long va = dma.mmap(fds, fd, p.mm(), 0, 4 * PAGE, RW, MapFlags.SHARED, 0);
        byte[] got = new byte[4 * PAGE];
        p.mm().read(va, got, 0, got.length);
        assertArrayEquals(new byte[4 * PAGE], got);
        byte[] cpu = pattern(4 * PAGE, 3);
        p.mm().write(va, cpu, 0, cpu.length);

        int v = vgem.open(fds);
        int handle = vgem.primeFdToHandle(fds, v, fd);
        assertEquals(handle, vgem.primeFdToHandle(fds, v, fd), "the same buffer imports as the same handle");
        byte[] dev = new byte[4 * PAGE];
        vgem.read(fds, v, handle, 0, dev, 0, dev.length);
        assertArrayEquals(cpu, dev, "the device reads what the CPU wrote");
        byte[] devWrite = pattern(PAGE, 9);
        vgem.write(fds, v, handle, PAGE + 10, devWrite, 0, PAGE);
        byte[] back = new byte[PAGE];
        p.mm().read(va + PAGE + 10, back, 0, PAGE);
        assertArrayEquals(devWrite, back, "the CPU reads what the device wrote");
        assertErrno(Errno.EINVAL, () -> vgem.read(fds, v, handle, 4 * PAGE - 10, new byte[20], 0, 20));
        assertErrno(Errno.ENOENT, () -> vgem.read(fds, v, handle + 1, 0, new byte[1], 0, 1));
        assertEquals(1, dma.bufs().get(0).attachments().size());
        assertEquals(1, dma.bufs().get(0).mappings());

        // A view from the second page, private, so its writes are its own.
        long priv = dma.mmap(fds, fd, p.mm(), 0, 2 * PAGE, RW, MapFlags.PRIVATE, PAGE);
        byte[] expect = java.util.Arrays.copyOfRange(cpu, PAGE, 2 * PAGE);
        System.arraycopy(devWrite, 0, expect, 10, PAGE - 10);
        p.mm().read(priv, back, 0, PAGE);
        assertArrayEquals(expect, back, "the offset view starts at the second page");
        byte[] mine = pattern(PAGE, 77);
        p.mm().write(priv, mine, 0, PAGE);
        vgem.read(fds, v, handle, PAGE, back, 0, PAGE);
        assertArrayEquals(expect, back, "a private mapping copies on write");

        vgem.gemClose(fds, v, handle);
        assertErrno(Errno.EINVAL, () -> vgem.gemClose(fds, v, handle));
        assertEquals(0, dma.bufs().get(0).attachments().size());
        p.mm().munmap(va, 4 * PAGE);
        p.mm().munmap(priv, 2 * PAGE);
        fds.close(fd);

        int again = dma.heapAlloc(fds, h, len, Dma.O_RDWR, 0);
        long va2 = dma.mmap(fds, again, p.mm(), 0, 4 * PAGE, Prot.READ, MapFlags.SHARED, 0);
        p.mm().read(va2, got, 0, got.length);
        assertArrayEquals(new byte[4 * PAGE], got, "a new buffer is zeroed");
        p.mm().munmap(va2, 4 * PAGE);
        fds.close(again);
        fds.close(v);
        fds.close(h);
    }

    @Test
    void mmapChecksTheRangeAndTheDescriptorsAccessMode() {
        int h = heap();
        int rw = dma.heapAlloc(fds, h, 2 * PAGE, Dma.O_RDWR, 0);
        int ro = dma.heapAlloc(fds, h, 2 * PAGE, Dma.O_RDONLY, 0);
        int wo = dma.heapAlloc(fds, h, 2 * PAGE, Dma.O_WRONLY, 0);
        assertErrno(Errno.EINVAL, () -> dma.mmap(fds, rw, p.mm(), 0, 0, RW, MapFlags.SHARED, 0));
        assertErrno(Errno.EINVAL, () -> dma.mmap(fds, rw, p.mm(), 0, PAGE, RW, MapFlags.SHARED, 100));
        assertErrno(Errno.EINVAL, () -> dma.mmap(fds, rw, p.mm(), 0, 3 * PAGE, RW, MapFlags.SHARED, 0));
        assertErrno(Errno.EINVAL, () -> dma.mmap(fds, rw, p.mm(), 0, PAGE + 1, RW, MapFlags.SHARED, PAGE));
        assertErrno(Errno.EINVAL, () -> dma.mmap(fds, h, p.mm(), 0, PAGE, RW, MapFlags.SHARED, 0), "a heap is no dma-buf");
        assertErrno(Errno.EBADF, () -> dma.mmap(fds, 77, p.mm(), 0, PAGE, RW, MapFlags.SHARED, 0));
        assertErrno(Errno.EACCES, () -> dma.mmap(fds, ro, p.mm(), 0, PAGE, RW, MapFlags.SHARED, 0));
        assertErrno(Errno.EACCES, () -> dma.mmap(fds, wo, p.mm(), 0, PAGE, Prot.READ, MapFlags.PRIVATE, 0));
        long a = dma.mmap(fds, ro, p.mm(), 0, 2 * PAGE, Prot.READ, MapFlags.SHARED, 0);
        assertErrno(Errno.EACCES, () -> p.mm().mprotect(a, PAGE, RW), "a read-only descriptor's mapping never becomes writable");
        long b = dma.mmap(fds, ro, p.mm(), 0, PAGE, RW, MapFlags.PRIVATE, PAGE);
        p.mm().mprotect(b, PAGE, Prot.READ);
        p.mm().mprotect(b, PAGE, RW);
        assertEquals(2, p.mm().maps().size(), "only the allowed mappings were made");
        long c = dma.mmap(fds, rw, p.mm(), 0, PAGE, Prot.READ, MapFlags.SHARED, 0);
        p.mm().mprotect(c, PAGE, RW);
        p.mm().write(c, new byte[] {1}, 0, 1);
        p.mm().munmap(a, 2 * PAGE);
        p.mm().munmap(b, PAGE);
        p.mm().munmap(c, PAGE);
        for (int fd : new int[] {rw, ro, wo, h}) {
            fds.close(fd);
        }
    }

    @Test
    void syncChecksItsFlagsAndCallsTheExportersBrackets() {
        List<String> calls = new ArrayList<>();
        PinnedPages pinned = pinnedPattern(p, 1, 1);
        DmaBufOps ops = new DmaBufOps(null, null, null, null,
                (a, dir) -> a.device().mapSg(table(pinned), dir), (a, t, dir) -> a.device().unmapSg(t),
                pinned::unpin, false, null,
                (buf, dir) -> calls.add("begin " + dir), (buf, dir) -> calls.add("end " + dir));
        int fd = dma.fd(dma.export("host", PAGE, pinned, ops), fds, Dma.O_RDWR);
        assertErrno(Errno.EINVAL, () -> dma.sync(fds, fd, DmaBuf.SYNC_START));
        assertErrno(Errno.EINVAL, () -> dma.sync(fds, fd, DmaBuf.SYNC_END));
        assertErrno(Errno.EINVAL, () -> dma.sync(fds, fd, DmaBuf.SYNC_RW | 8));
        assertErrno(Errno.EINVAL, () -> dma.sync(fds, fd, 1L << 32 | DmaBuf.SYNC_READ));
        dma.sync(fds, fd, DmaBuf.SYNC_START | DmaBuf.SYNC_READ);
        dma.sync(fds, fd, DmaBuf.SYNC_START | DmaBuf.SYNC_WRITE);
        dma.sync(fds, fd, DmaBuf.SYNC_END | DmaBuf.SYNC_RW);
        assertEquals(List.of("begin FROM_DEVICE", "begin TO_DEVICE", "end BIDIRECTIONAL"), calls);
        assertErrno(Errno.EINVAL, () -> dma.mmap(fds, fd, p.mm(), 0, PAGE, RW, MapFlags.SHARED, 0), "no mmap op");

        int h = heap();
        int heapBuf = dma.heapAlloc(fds, h, PAGE, Dma.O_RDWR, 0);
        dma.sync(fds, heapBuf, DmaBuf.SYNC_START | DmaBuf.SYNC_RW);
        dma.sync(fds, heapBuf, DmaBuf.SYNC_END | DmaBuf.SYNC_RW);
        assertErrno(Errno.ENOTTY, () -> dma.sync(fds, h, DmaBuf.SYNC_READ));
        fds.close(heapBuf);
        fds.close(h);
        fds.close(fd);
    }

    @Test
    void vgemChecksItsDescriptorsAndTidiesUpOnExit() {
        int h = heap();
        int buf = dma.heapAlloc(fds, h, PAGE, Dma.O_RDWR, 0);
        int v = vgem.open(fds);
        assertErrno(Errno.ENOTTY, () -> vgem.primeFdToHandle(fds, h, buf));
        assertErrno(Errno.EINVAL, () -> vgem.primeFdToHandle(fds, v, h));
        assertErrno(Errno.EBADF, () -> vgem.primeFdToHandle(fds, v, 99));
        assertEquals(1, vgem.primeFdToHandle(fds, v, buf));
        int other = dma.heapAlloc(fds, h, PAGE, Dma.O_RDWR, 0);
        assertEquals(2, vgem.primeFdToHandle(fds, v, other));
        fds.close(buf);
        fds.close(other);
        assertEquals(2, dma.bufs().size(), "the imports hold the buffers");
        assertEquals(2, dma.device("vgem").mappings(), "each import is mapped once");
        p.exit();
        // everythingIsReleased checks the rest.
    }
}
