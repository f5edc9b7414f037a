package accelmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.MmProcess;
import accelmm.api.uapi.gmem.GmemAttach;
import accelmm.api.uapi.xe.XeVmCreate;
import accelmm.itests.support.Gogo;
import accelmm.itests.support.HostOptions;

/** Each driver's scope offers its uapi's ioctls; a request of another driver's uapi is ENOTTY. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DriverScopesIT extends accelmm.itests.support.HostTestBase {
    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() {
        return HostOptions.host(HostOptions.driver("xe"), HostOptions.driver("panfrost"), HostOptions.driver("habana"),
                HostOptions.driver("gna"));
    }

    @After
    public void cleanUp() {
        memory.processes().forEach(p -> memory.process(p.pid()).exit());
        assertEquals(List.of(), memory.check());
    }

    private String run(String command) throws Exception {
        return Gogo.run(processor, command);
    }

    private ErrnoException fails(String command) throws Exception {
        return Gogo.failure(processor, command);
    }

    @Test
    public void theXeScopeDrivesSvmFromTheShell() throws Exception {
        MmProcess p = memory.spawn("xe-shell");
        int pid = p.pid();
        String fd = run("dev:open " + pid + " xe0").trim();
        assertEquals("vm 1", run("xe:vm_create " + pid + " " + fd));
        String addr = run("mm:mmap " + pid + " 4m");
        assertEquals("bound " + addr + "-0x" + Long.toHexString(Long.decode(addr) + (4 << 20)) + " as a mirror",
                run("xe:vm_bind " + pid + " " + fd + " 1 " + addr + " 4m"));
        run("xe:madvise " + pid + " " + fd + " 1 " + addr + " 4m vram");
        assertTrue(run("xe:exec --value 7 " + pid + " " + fd + " 1 store " + addr + " 64k").startsWith("done, 1 GPU faults"));
        assertEquals("done, 0 GPU faults; loaded 07 07 07 07", run("xe:exec " + pid + " " + fd + " 1 load " + addr + " 4"));
        assertTrue(run("mm:read " + pid + " " + addr + " 4").contains("07 07 07 07"));
        assertTrue(run("xe:counters xe0").contains("xe.migrate_to_vram 1"));
        assertEquals("EINVAL: operation 'jump': store, load or inc",
                fails("xe:exec " + pid + " " + fd + " 1 jump " + addr + " 4").getMessage());
        assertEquals("ENODEV: gna0 is a device of kind gna, not xe; xe:devices lists the xe devices",
                fails("xe:counters gna0").getMessage());
        assertEquals("vm 1 destroyed", run("xe:vm_destroy " + pid + " " + fd + " 1"));
    }

    @Test
    public void thePanfrostAndHabanaScopesOfferTheirIoctls() throws Exception {
        MmProcess p = memory.spawn("scopes");
        int pid = p.pid();
        String pan = run("dev:open " + pid + " panfrost0").trim();
        String bo = run("panfrost:create_bo " + pid + " " + pan + " 1m");
        assertTrue(bo, bo.matches("handle 1 at GPU 0x[0-9a-f]+"));
        String gpu = bo.substring(bo.indexOf("0x"));
        assertEquals(gpu, run("panfrost:get_bo_offset " + pid + " " + pan + " 1"));
        assertEquals("done, 0 heap faults", run("panfrost:submit --bos 1 --value 9 " + pid + " " + pan + " store " + gpu + " 4k"));
        String cpu = run("panfrost:mmap_bo " + pid + " " + pan + " 1 1m");
        assertTrue(run("mm:read " + pid + " " + cpu + " 4").contains("09 09 09 09"));
        assertEquals("retained", run("panfrost:madvise " + pid + " " + pan + " 1 dontneed"));
        assertEquals(Errno.EINVAL, fails("panfrost:create_bo --heap " + pid + " " + pan + " 8m").errno());

        String hl = run("dev:open " + pid + " habana0").trim();
        assertEquals("handle 1", run("habana:alloc " + pid + " " + hl + " 2m"));
        String va = run("habana:map " + pid + " " + hl + " 1").substring("device address ".length());
        assertEquals("4096 bytes written", run("habana:write " + pid + " " + hl + " " + va + " 4k 5"));
        assertEquals("4 bytes: 05 05 05 05", run("habana:read " + pid + " " + hl + " " + va + " 4"));
        String buf = run("habana:export_dmabuf " + pid + " " + hl + " " + va + " 2m").substring("dma-buf fd ".length());
        String peer = run("dev:open " + pid + " habana1").trim();
        assertEquals("4 bytes: 05 05 05 05", run("habana:dmabuf_read " + pid + " " + peer + " " + buf + " 0 4"));
    }

    @Test
    public void aRequestOfAnotherDriversUapiIsEnotty() throws Exception {
        MmProcess p = memory.spawn("enotty");
        int gna = devices.open(p, "gna0");
        int xe = devices.open(p, "xe0");
        ErrnoException e = org.junit.Assert.assertThrows(ErrnoException.class,
                () -> devices.ioctl(p, gna, new GmemAttach(accelmm.api.gmem.GmMmuMode.SHARE)));
        assertEquals(Errno.ENOTTY, e.errno());
        assertEquals("ENOTTY: GmemAttach is not an ioctl of the GNA driver", e.getMessage());
        assertEquals(Errno.ENOTTY, org.junit.Assert.assertThrows(ErrnoException.class,
                () -> devices.ioctl(p, gna, new XeVmCreate(true))).errno());
        assertEquals(Integer.valueOf(1), devices.ioctl(p, xe, new XeVmCreate(true)));
    }
}
