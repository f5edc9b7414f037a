package accelmm.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import accelmm.api.dma.Dma;
import accelmm.api.dma.Vgem;
import accelmm.api.mm.MmProcess;
import accelmm.api.uapi.drm.Drm;
import accelmm.api.uapi.drm.PrimeFdToHandle;
import accelmm.api.uapi.drm.PrimeHandleToFd;
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostSubmit;
import accelmm.api.uapi.xe.XeBindBo;
import accelmm.api.uapi.xe.XeCmd;
import accelmm.api.uapi.xe.XeExec;
import accelmm.api.uapi.xe.XeExecResult;
import accelmm.api.uapi.xe.XeVmCreate;
import accelmm.itests.support.DriverBundles;
import accelmm.itests.support.HostOptions;

/** PRIME between the shipped Panfrost and Xe drivers, vgem and a heap buffer, across driver updates. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PrimeIT extends accelmm.itests.support.HostTestBase {
    @Inject
    private Dma dma;

    @Inject
    private Vgem vgem;

    @Configuration
    public Option[] config() {
        return HostOptions.host(HostOptions.driver("panfrost"), HostOptions.driver("xe"));
    }

    @Test
    public void aPanfrostBoIsReadByXeAndVgemAcrossDriverUpdates() throws Exception {
        MmProcess p = memory.spawn("prime");
        int pan = devices.open(p, "panfrost0");
        PanfrostBo bo = devices.ioctl(p, pan, new PanfrostCreateBo(64 << 10, Panfrost.BO_NOEXEC, 0));
        byte[] data = new byte[5000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 13 + 1);
        }
        PanfrostJob store = devices.ioctl(p, pan, new PanfrostSubmit(List.of(bo.handle()),
                List.of(PanfrostCmd.store(bo.offset() + 300, data))));
        assertTrue(store.done());
        int buf = devices.ioctl(p, pan, new PrimeHandleToFd(bo.handle(), Drm.RDWR | Drm.CLOEXEC));

        DriverBundles.updateAndAwait(context, devices, "panfrost", "panfrost0");
        int xe = devices.open(p, "xe0");
        int vm = devices.ioctl(p, xe, new XeVmCreate(false));
        int imported = devices.ioctl(p, xe, new PrimeFdToHandle(buf));
        devices.ioctl(p, xe, new XeBindBo(vm, imported, 0x100000));
        XeExecResult load = devices.ioctl(p, xe, new XeExec(vm, List.of(XeCmd.load(0x100000 + 300, data.length))));
        assertArrayEquals("Xe reads what Panfrost stored", data, load.loads().get(0));

        DriverBundles.updateAndAwait(context, devices, "xe", "xe0");
        devices.ioctl(p, xe, new XeExec(vm, List.of(XeCmd.store(0x100000, new byte[] {5, 6, 7}))));
        int v = vgem.open(p.fds());
        int h = vgem.primeFdToHandle(p.fds(), v, buf);
        byte[] got = new byte[3];
        vgem.read(p.fds(), v, h, 0, got, 0, 3);
        assertArrayEquals("vgem reads what Xe stored after both updates", new byte[] {5, 6, 7}, got);
        PanfrostJob back = devices.ioctl(p, pan, new PanfrostSubmit(List.of(bo.handle()),
                List.of(PanfrostCmd.load(bo.offset(), 3))));
        assertArrayEquals(new byte[] {5, 6, 7}, back.loads().get(0));
        assertEquals(2, dma.bufs().get(0).attachments().size());
        p.exit();
        assertEquals(List.of(), dma.bufs());
        assertEquals(List.of(), memory.check());
    }
}
