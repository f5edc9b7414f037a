package accelmm.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceSpec;
import accelmm.api.mm.Block;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.core.StandaloneCore;

/** The device page-table part of the invariant check: a leaf that outlives the memory it maps is found. */
class DevicePgtableCheckTest {
    final StandaloneCore core = new StandaloneCore(32L << 20, 100, false, Set.of());
    final AtomicReference<DeviceContext> bound = new AtomicReference<>();

    DevicePgtableCheckTest() {
        core.devices.configure("dev0", new DeviceSpec("dev0", "test", 8L << 20, (1L << 12) | (1L << 21), 1L << 12, 1L << 20,
                null, 1, Map.of()));
        core.devices.addDriver(new DeviceDriver() {
            @Override
            public void bind(DeviceContext device) {
                bound.set(device);
            }

            @Override
            public <R> R ioctl(DeviceFile file, accelmm.api.device.Request<R> request) {
                return null;
            }
        }, "test", 1, 0, "test", "1");
    }

    @AfterEach
    void nothingLeaks() {
        core.close();
        assertEquals(List.of(), core.memory.check());
    }

    @Test
    void leavesOverFreedDeviceMemoryOrUnpinnedHostPagesAreReported() {
        DeviceContext dev = bound.get();
        IoPgtable t = dev.ioPgtable((1L << 12) | (1L << 21), 48, 48);
        List<Block> blocks = dev.allocBlocks(0, 8L << 20, 2L << 20, 2L << 20, 0);
        long vram = PhysAddr.of(dev.memory().id(), 0, blocks.get(0).offset());
        t.mapPages(1L << 30, vram, 1L << 21, 1, IommuProt.READ | IommuProt.WRITE);
        MmProcess p = core.memory.spawn("user");
        long a = p.mm().mmap(0, 4 * PageSize.PAGE_SIZE, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        p.mm().write(a, new byte[] {1}, 0, 1);
        PinnedPages pins = p.mm().pinUserPages(a, 1, accelmm.api.mm.GupFlags.WRITE);
        t.mapPages(2L << 30, PhysAddr.of(pins.node(), pins.pfns()[0], 0), PageSize.PAGE_SIZE, 1, IommuProt.READ);
        assertEquals(List.of(), core.devices.check(), "every leaf maps memory in use");

        dev.freeBlocks(blocks);
        pins.unpin();
        p.exit();
        List<String> problems = core.devices.check();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("dev0 page table 0: 0x40000000 maps physical"), problems.get(0));
        assertTrue(problems.get(1).startsWith("dev0 page table 0: 0x80000000 maps physical"), problems.get(1));

        t.unmapPages(1L << 30, 1L << 21, 1, new IotlbGather());
        t.unmapPages(2L << 30, PageSize.PAGE_SIZE, 1, new IotlbGather());
        assertEquals(List.of(), core.devices.check());
    }
}
