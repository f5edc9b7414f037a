package accelmm.core.device;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceSpec;
import accelmm.api.device.Request;
import accelmm.api.gem.Gem;
import accelmm.api.gem.GemObject;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.dma.DmaImpl;
import accelmm.core.idr.IdrRegistryImpl;
import accelmm.core.mm.MemoryManagerImpl;

/** The core's GEM helpers driven directly: handles by file, pins in ranges, purge, free. */
class GemTest {
    final CoreDiagnostics diag = CoreDiagnostics.create();
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 64L << 20, false);
    final DmaImpl dma = new DmaImpl(mm, diag, Set.of("rc0"));
    final DeviceManagerImpl devices = new DeviceManagerImpl(mm, dma, new IdrRegistryImpl(diag), diag.warnings(), 100, false);

    DeviceFile open(MmProcess p) {
        return devices.file(p, devices.open(p, "gem0"));
    }

    void start() {
        devices.configure("pid.gem0", new DeviceSpec("gem0", "gem", 8L << 20, 1L << 12, 1L << 21, 1L << 20, "rc0/sw0/gem0", 2,
                Map.of()));
        devices.addDriver(new DeviceDriver() {
            @Override
            public <R> R ioctl(DeviceFile f, Request<R> request) {
                throw Errno.ENOTTY.exception("no ioctls");
            }
        }, "gem", 1, 0, "test", "1.0.0");
    }

    @AfterEach
    void nothingLeaks() {
        for (var p : mm.processes()) {
            mm.process(p.pid()).exit();
        }
        devices.deactivate();
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.nodes().get(0).used(), "every shmem page went back");
        assertEquals(0, diag.warnings().count());
    }

    @Test
    void objectsArePinnedInRangesFoundOnlyThroughTheirFileAndPurgedOnlyWhenDontneed() {
        start();
        DeviceFile a = open(mm.spawn("a"));
        DeviceFile b = open(mm.spawn("b"));
        Gem gem = a.device().gem();
        a.device().lock().lock();
        try {
            GemObject bo = gem.createShmem(a, "bo", 5000, 7);
            assertEquals(8192, bo.size(), "whole pages");
            int h = gem.handleCreate(bo);
            assertSame(bo, gem.lookup(a, h));
            assertErrno(Errno.ENOENT, () -> gem.lookup(b, h), "another file's handle is not there");
            PinnedPages p = gem.pin(bo, 0, 2);
            assertSame(p, gem.pin(bo, 0, 2), "a range pinned already is returned as it is");
            assertErrno(Errno.EINVAL, () -> gem.pin(bo, 0, 1), "the same first page with another count");
            assertErrno(Errno.EINVAL, () -> gem.pin(bo, 1, 2), "past the end");
            assertEquals(PhysAddr.of(p.node(), p.pfns()[1], 0), gem.pagePhys(bo)[1]);
            assertFalse(gem.purgeable(bo));
            assertTrue(gem.madvise(bo, GemObject.MADV_DONTNEED));
            assertTrue(gem.purgeable(bo));
            gem.purge(bo);
            assertTrue(bo.purged());
            assertTrue(bo.pins().isEmpty(), "a purge unpins");
            assertFalse(gem.madvise(bo, GemObject.MADV_WILLNEED), "a purged object stays purged");
            assertErrno(Errno.EINVAL, () -> gem.madvise(bo, 5));
            assertNull(gem.free(bo));
            assertErrno(Errno.ENOENT, () -> gem.lookup(a, h));
        } finally {
            a.device().lock().unlock();
        }
    }
}
