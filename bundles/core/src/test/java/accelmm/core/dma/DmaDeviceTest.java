package accelmm.core.dma;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgEntry;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;

/** DMA mapping through a device's IOMMU, and its DMA engine. */
class DmaDeviceTest extends DmaFixture {
    @AfterEach
    void invariantsHold() {
        for (var p : mm.processes()) {
            mm.process(p.pid()).exit();
        }
        assertEquals(List.of(), mm.check());
    }

    @Test
    void aMappedTableIsReachableByDmaWithItsDirectionAndNothingElseIs() {
        DmaDevice dev = dma.createDevice("gpu0", 1L << 16, null);
        MmProcess p = mm.spawn("p");
        PinnedPages pinned = pinnedPattern(p, 8, 5);
        SgTable mapped = dev.mapSg(table(pinned), DmaDirection.TO_DEVICE);
        byte[] got = new byte[8 * PAGE];
        long at = mapped.entries().get(0).dmaAddress();
        int done = 0;
        for (SgEntry e : mapped.entries()) {
            dev.dmaRead(e.dmaAddress(), got, done, (int) e.length());
            done += (int) e.length();
        }
        assertArrayEquals(pattern(8 * PAGE, 5), got);
        assertErrno(Errno.EFAULT, () -> dev.dmaWrite(at, new byte[1], 0, 1));
        long host = PhysAddr.of(0, pinned.pfns()[0], 0);
        assertErrno(Errno.EFAULT, () -> dev.dmaRead(host, new byte[1], 0, 1));
        dev.unmapSg(mapped);
        assertErrno(Errno.EFAULT, () -> dev.dmaRead(at, new byte[1], 0, 1));
        assertEquals(3, dev.iommuFaults());
        assertErrno(Errno.EINVAL, () -> dev.unmapSg(mapped));
        pinned.unpin();
    }

    @Test
    void aBidirectionalMappingCarriesDeviceWritesToTheProcess() {
        DmaDevice dev = dma.createDevice("gpu0", 1L << 16, null);
        MmProcess p = mm.spawn("p");
        long va = p.mm().mmap(0, 4L * PAGE, accelmm.api.mm.Prot.READ | accelmm.api.mm.Prot.WRITE,
                accelmm.api.mm.MapFlags.PRIVATE | accelmm.api.mm.MapFlags.ANONYMOUS);
        PinnedPages pinned = p.mm().pinUserPages(va, 4, accelmm.api.mm.GupFlags.WRITE);
        SgTable mapped = dev.mapSg(table(pinned), DmaDirection.BIDIRECTIONAL);
        byte[] data = pattern(3 * PAGE, 9);
        dev.dmaWrite(mapped.entries().get(0).dmaAddress() + 100, data, 0, data.length);
        byte[] back = new byte[data.length];
        p.mm().read(va + 100, back, 0, back.length);
        assertArrayEquals(data, back);
        dev.unmapSg(mapped);
        pinned.unpin();
    }

    private static SgTable scattered(int pages, int offset) {
        List<SgEntry> entries = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            entries.add(new SgEntry(10L * i + 3, i == 0 ? offset : 0, PAGE - (i == 0 ? offset : 0), -1));
        }
        return new SgTable(entries, pages);
    }

    @Test
    void dmaSegmentsMergeAcrossPagesUpToTheMaxSegmentSize() {
        assertEquals(4, dma.createDevice("a", 4L * PAGE, null).mapSg(scattered(16, 0), DmaDirection.TO_DEVICE).nents());
        assertEquals(16, dma.createDevice("b", PAGE, null).mapSg(scattered(16, 0), DmaDirection.TO_DEVICE).nents());
        assertEquals(1, dma.createDevice("c", 1L << 20, null).mapSg(scattered(16, 0), DmaDirection.TO_DEVICE).nents());
        SgTable odd = dma.createDevice("d", 4L * PAGE, null).mapSg(scattered(16, 512), DmaDirection.TO_DEVICE);
        assertEquals(4, odd.nents());
        assertEquals(4L * PAGE - 512, odd.entries().get(0).length());
        assertEquals(16, odd.origNents());
        assertEquals(16L * PAGE - 512, odd.length());
        assertTrue(odd.entries().get(0).dmaAddress() % PAGE == 512);
    }

    @Test
    void badTablesAndDirectionsAreRefusedAndNothingIsMapped() {
        DmaDevice dev = dma.createDevice("gpu0", 1L << 16, null);
        assertErrno(Errno.EINVAL, () -> dev.mapSg(scattered(2, 0), DmaDirection.NONE));
        assertErrno(Errno.EINVAL, () -> dev.mapSg(new SgTable(List.of(), 0), DmaDirection.TO_DEVICE));
        SgTable dmaOnly = Scatterlist.dmaOnlyFromDevicePages(new long[] {1L << 41}, 1L << 21, 1L << 21, 1L << 16);
        assertErrno(Errno.EINVAL, () -> dev.mapSg(dmaOnly, DmaDirection.TO_DEVICE));
        SgTable huge = new SgTable(List.of(new SgEntry(0, 0, 1L << 40, -1)), 1);
        assertErrno(Errno.ENOMEM, () -> dev.mapSg(huge, DmaDirection.TO_DEVICE));
        assertEquals(0, dev.mappings());
    }

    @Test
    void devicesAreNamedOnceAndRemovedOnlyWhenIdle() {
        DmaDevice dev = dma.createDevice("gpu0", 1L << 16, "rc0/sw0/gpu0");
        dma.createDevice("npu0", 1L << 16, "rc0/sw0/npu0");
        assertErrno(Errno.EEXIST, () -> dma.createDevice("gpu0", 1L << 16, null));
        assertErrno(Errno.EINVAL, () -> dma.createDevice("", 1L << 16, null));
        assertErrno(Errno.EINVAL, () -> dma.createDevice("x", 0, null));
        assertErrno(Errno.EINVAL, () -> dma.createDevice("y", 1L << 16, "gpu0"));
        assertErrno(Errno.ENODEV, () -> dma.device("y"));
        assertEquals(2, dma.topology().p2pDistance("gpu0", "npu0"));
        SgTable mapped = dev.mapSg(scattered(1, 0), DmaDirection.TO_DEVICE);
        assertErrno(Errno.EBUSY, () -> dma.removeDevice(dev));
        dev.unmapSg(mapped);
        dma.removeDevice(dev);
        assertErrno(Errno.ENODEV, () -> dev.mapSg(scattered(1, 0), DmaDirection.TO_DEVICE));
        assertErrno(Errno.ENODEV, () -> dma.topology().p2pDistance("gpu0", "npu0"));
        assertErrno(Errno.ENODEV, () -> dma.removeDevice(dev));
        assertEquals(List.of("npu0"), dma.devices());
    }
}
