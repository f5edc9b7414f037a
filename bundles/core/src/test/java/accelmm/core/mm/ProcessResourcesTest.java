package accelmm.core.mm;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.mm.Block;
import accelmm.api.mm.DeviceMemory;
import accelmm.api.mm.FdTable;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.NodeKind;
import accelmm.api.mm.SharedFile;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;

/** File-descriptor tables and device memory nodes. */
class ProcessResourcesTest {
    final CoreDiagnostics diag = CoreDiagnostics.create();
    final IdrRegistryImpl registry = new IdrRegistryImpl(diag);
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, registry, 16L << 20, false);

    @AfterEach
    void invariantsHold() {
        for (var p : mm.processes()) {
            mm.process(p.pid()).exit();
        }
        assertEquals(List.of(), mm.check());
    }


    /** A file that counts how often it was closed. */
    static final class Counting implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void descriptorsAreLowestFreeFirstAndBadOnesAreEbadf() {
        FdTable fds = mm.spawn("p").fds();
        Counting a = new Counting();
        Counting b = new Counting();
        assertEquals(0, fds.install(a));
        assertEquals(1, fds.install(b));
        fds.close(0);
        assertEquals(1, a.closes.get());
        assertEquals(0, fds.install(new Counting()));
        assertSame(b, fds.get(1));
        assertErrno(Errno.EBADF, () -> fds.get(7));
        assertErrno(Errno.EBADF, () -> fds.get(-1));
        assertErrno(Errno.EBADF, () -> fds.close(7));
        assertErrno(Errno.EINVAL, () -> fds.install(null));
        assertEquals(List.of(0, 1), fds.open());
    }

    @Test
    void dupSharesTheFileUntilTheLastDescriptorCloses() {
        FdTable fds = mm.spawn("p").fds();
        Counting f = new Counting();
        int fd = fds.install(f);
        int copy = fds.dup(fd);
        assertEquals(1, copy);
        fds.close(fd);
        assertEquals(0, f.closes.get());
        fds.close(copy);
        assertEquals(1, f.closes.get());
        assertErrno(Errno.EBADF, () -> fds.dup(fd));
    }

    @Test
    void tooManyDescriptorsIsEmfile() {
        FdTable fds = mm.spawn("p").fds();
        Counting f = new Counting();
        for (int i = 0; i < FdTable.MAX_FDS; i++) {
            fds.install(f);
        }
        assertErrno(Errno.EMFILE, () -> fds.install(f));
        assertErrno(Errno.EMFILE, () -> fds.dup(0));
    }

    @Test
    void passingADescriptorSharesTheFileWithAnotherProcess() {
        MmProcess a = mm.spawn("a");
        MmProcess b = mm.spawn("b");
        Counting f = new Counting();
        int fd = a.fds().install(f);
        b.fds().install(new Counting());
        assertEquals(1, a.fds().passTo(fd, b.fds()));
        assertSame(f, b.fds().get(1));
        assertErrno(Errno.EBADF, () -> a.fds().passTo(5, b.fds()));
        assertErrno(Errno.EINVAL, () -> a.fds().passTo(fd, null));
        a.exit();
        assertEquals(0, f.closes.get());
        assertErrno(Errno.ESRCH, () -> b.fds().passTo(1, a.fds()));
        b.fds().close(1);
        assertEquals(1, f.closes.get());
    }

    @Test
    void forkSharesOpenFilesAndExitClosesThem() {
        MmProcess parent = mm.spawn("parent");
        SharedFile file = mm.createFile("shared.txt", 4096, true);
        int fd = parent.fds().install(file);
        assertTrue(registry.list().stream().anyMatch(i -> i.path().equals("pid" + parent.pid() + "/fds")));
        MmProcess child = parent.fork("child");
        assertSame(file, child.fds().get(fd));
        parent.exit();
        assertFalse(registry.list().stream().anyMatch(i -> i.path().equals("pid" + parent.pid() + "/fds")));
        byte[] one = new byte[1];
        assertEquals(1, file.pread(0, one, 0, 1), "the child still holds the file open");
        child.exit();
        assertErrno(Errno.EBADF, () -> file.pread(0, one, 0, 1));
        assertErrno(Errno.ESRCH, () -> child.fds().install(new Counting()));
    }

    @Test
    void deviceMemoryAllocatesBlocksWithRealBytesAndZeroesThemOnFree() {
        DeviceMemory vram = mm.createDeviceMemory("vram0", 8L << 20);
        assertEquals(1, vram.id());
        assertEquals(NodeKind.DEVICE, vram.info().kind());
        assertEquals(11, vram.maxOrder(), "8 MiB is 2^11 pages");
        List<Block> blocks = vram.allocBlocks(0, 8L << 20, 2L << 20, 2L << 20, 0);
        long at = blocks.get(0).offset() + 100;
        vram.write(at, new byte[] {1, 2, 3}, 0, 3);
        byte[] back = new byte[3];
        vram.read(at, back, 0, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, back);
        assertErrno(Errno.EFAULT, () -> vram.write(blocks.get(0).end(), new byte[1], 0, 1));
        assertErrno(Errno.EINVAL, () -> vram.read(8L << 20, new byte[1], 0, 1));
        assertErrno(Errno.EBUSY, () -> mm.removeDeviceMemory(vram));
        vram.freeBlocks(blocks);
        List<Block> again = vram.allocBlocks(0, 8L << 20, 2L << 20, 2L << 20, 0);
        vram.read(again.get(0).offset() + 100, back, 0, 3);
        assertArrayEquals(new byte[3], back, "freed device memory comes back zeroed");
        assertEquals(2, mm.nodes().size());
        assertEquals(List.of(), mm.check());
        vram.freeBlocks(again);
        mm.removeDeviceMemory(vram);
        assertErrno(Errno.ENODEV, () -> vram.allocBlocks(0, 8L << 20, 4096, 4096, 0));
        assertErrno(Errno.ENODEV, () -> mm.removeDeviceMemory(vram));
        assertEquals(1, mm.nodes().size());
        assertErrno(Errno.EINVAL, () -> mm.createDeviceMemory("", 1 << 20));
        assertErrno(Errno.EINVAL, () -> mm.createDeviceMemory("tiny", 100));
        assertEquals(1, mm.createDeviceMemory("vram1", 1 << 20).id(), "node ids are reused lowest first");
    }
}
