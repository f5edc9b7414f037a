package accelmm.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.List;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import accelmm.api.dma.Dma;
import accelmm.api.mm.MmProcess;
import accelmm.api.uapi.habana.HlAllocMemory;
import accelmm.api.uapi.habana.HlDeviceRead;
import accelmm.api.uapi.habana.HlDeviceWrite;
import accelmm.api.uapi.habana.HlDmabufRead;
import accelmm.api.uapi.habana.HlDmabufWrite;
import accelmm.api.uapi.habana.HlExportDmabuf;
import accelmm.api.uapi.habana.HlFreeMemory;
import accelmm.api.uapi.habana.HlMapMemory;
import accelmm.api.uapi.habana.HlUnmapMemory;
import accelmm.itests.support.Gogo;
import accelmm.itests.support.DriverBundles;
import accelmm.itests.support.HostOptions;

/** The shipped Habana driver: DRAM of habana0 shared with habana1 over p2p, across a driver update. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HabanaIT extends accelmm.itests.support.HostTestBase {
    static final int SIZE = 4 << 20;

    @Inject
    private Dma dma;

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() {
        return HostOptions.host(HostOptions.driver("habana"));
    }

    @Test
    public void aBufferExportedAndImportedSurvivesADriverUpdate() throws Exception {
        MmProcess exporter = memory.spawn("exporter");
        int fd0 = devices.open(exporter, "habana0");
        long handle = devices.ioctl(exporter, fd0, new HlAllocMemory(SIZE, false)).value();
        long va = devices.ioctl(exporter, fd0, new HlMapMemory(handle)).deviceVa();
        byte[] data = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            data[i] = (byte) (i * 13 + (i >> 16));
        }
        devices.ioctl(exporter, fd0, new HlDeviceWrite(va, data));
        int bufFd = devices.ioctl(exporter, fd0, new HlExportDmabuf(va, SIZE, 0, Dma.O_RDWR));
        MmProcess importer = memory.spawn("importer");
        int fd1 = devices.open(importer, "habana1");
        int imported = exporter.fds().passTo(bufFd, importer.fds());
        exporter.fds().close(bufFd);
        assertArrayEquals(data, devices.ioctl(importer, fd1, new HlDmabufRead(imported, 0, SIZE)));
        String bufs = Gogo.run(processor, "mm:dmabuf");
        assertTrue(bufs, bufs.contains("habana"));

        DriverBundles.updateAndAwait(context, devices, "habana", "habana0", "habana1");

        byte[] patch = Arrays.copyOfRange(data, 0, 4096);
        Arrays.fill(patch, (byte) 0x77);
        devices.ioctl(importer, fd1, new HlDmabufWrite(imported, 1 << 20, patch));
        System.arraycopy(patch, 0, data, 1 << 20, patch.length);
        assertArrayEquals(data, devices.ioctl(importer, fd1, new HlDmabufRead(imported, 0, SIZE)));
        assertArrayEquals(data, devices.ioctl(exporter, fd0, new HlDeviceRead(va, SIZE)));

        importer.fds().close(imported);
        devices.ioctl(exporter, fd0, new HlUnmapMemory(va));
        devices.ioctl(exporter, fd0, new HlFreeMemory(handle));
        exporter.exit();
        importer.exit();
        assertEquals(List.of(), dma.bufs());
        assertEquals(List.of(), memory.check());
    }
}
