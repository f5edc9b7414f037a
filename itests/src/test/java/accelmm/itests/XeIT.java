package accelmm.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBindMirror;
import accelmm.api.uapi.xe.XeCmd;
import accelmm.api.uapi.xe.XeExec;
import accelmm.api.uapi.xe.XeExecResult;
import accelmm.api.uapi.xe.XeMadvise;
import accelmm.api.uapi.xe.XeVmCreate;
import accelmm.itests.support.DriverBundles;
import accelmm.itests.support.HostOptions;

/** The shipped Xe driver: malloc'd memory in VRAM, read back by the CPU, across a driver update. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class XeIT extends accelmm.itests.support.HostTestBase {
    static final int SIZE = 2 << 20;

    @Configuration
    public Option[] config() {
        return HostOptions.host(HostOptions.driver("xe"));
    }

    @Test
    public void gpuWritesToMallocdMemoryInVramSurviveADriverUpdateAndReachTheCpu() throws Exception {
        MmProcess p = memory.spawn("svm");
        int fd = devices.open(p, "xe0");
        int vm = devices.ioctl(p, fd, new XeVmCreate(true));
        devices.ioctl(p, fd, new XeBindMirror(vm, 0, 1L << 47));
        long a = p.mm().mmap(0, SIZE, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        devices.ioctl(p, fd, new XeMadvise(vm, a, a + SIZE, Xe.LOC_VRAM));
        byte[] data = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            data[i] = (byte) (i * 11 + (i >> 12));
        }
        XeExecResult first = devices.ioctl(p, fd, new XeExec(vm, List.of(XeCmd.store(a, data))));
        assertTrue(first.done());
        assertEquals(1L, devices.stats("xe0").get("xe.migrate_to_vram").longValue());

        DriverBundles.updateAndAwait(context, devices, "xe", "xe0");

        XeExecResult second = devices.ioctl(p, fd, new XeExec(vm, List.of(XeCmd.load(a, SIZE), XeCmd.inc(a))));
        assertTrue(second.done());
        assertEquals(0, second.gpuFaults());
        assertArrayEquals(data, second.loads().get(0));
        byte[] back = new byte[SIZE];
        p.mm().read(a, back, 0, SIZE);
        data[0]++;
        assertArrayEquals(data, back);
        p.exit();
        assertEquals(List.of(), memory.check());
    }
}
