package accelmm.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import accelmm.api.gmem.GmMmuMode;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRegion;
import accelmm.api.gmem.Gmem;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.gmem.GmemAttach;
import accelmm.api.uapi.gmem.GmemOp;
import accelmm.api.uapi.gmem.GmemResidency;
import accelmm.api.uapi.gmem.GmemRun;
import accelmm.api.uapi.gmem.GmemRunResult;
import accelmm.itests.support.Await;
import accelmm.itests.support.DriverBundles;
import accelmm.itests.support.Gogo;
import accelmm.itests.support.HostOptions;

/**
 * The shipped GMEM driver: an oversubscribed working set used by the device while the driver bundle
 * is updated twice, two devices on one address space, and the shell scope.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GmemIT extends accelmm.itests.support.HostTestBase {
    static final long REGION = GmPage.REGION;

    @Inject
    private Gmem gmem;

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() {
        return HostOptions.host(HostOptions.driver("gmem"));
    }

    @Test
    public void anOversubscribedWorkingSetKeepsEveryByteAcrossTwoDriverUpdates() throws Exception {
        MmProcess p = memory.spawn("npu");
        int fd = devices.open(p, "gmem0");
        devices.ioctl(p, fd, new GmemAttach(GmMmuMode.COHERENT_EXCLUSIVE));
        int regions = 12;
        long a = p.mm().mmap(0, regions * REGION, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        AtomicInteger rounds = new AtomicInteger();
        AtomicBoolean updated = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                while (!updated.get() || rounds.get() < 2) {
                    for (int i = 0; i < regions; i++) {
                        devices.ioctl(p, fd, new GmemRun(GmemOp.INC, a + i * REGION, REGION, i + 1));
                    }
                    rounds.incrementAndGet();
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        worker.start();
        Await.until("a first round", 60_000, () -> rounds.get() > 0 || failed.get() != null);
        DriverBundles.updateAndAwait(context, devices, "gmem", "gmem0", "gmem1");
        DriverBundles.updateAndAwait(context, devices, "gmem", "gmem0", "gmem1");
        updated.set(true);
        worker.join(120_000);
        if (failed.get() != null) {
            throw new AssertionError("the device run failed", failed.get());
        }
        assertTrue(devices.stats("gmem0").getOrDefault("gmem.evict", 0L) > 0);
        for (int i = 0; i < regions; i++) {
            byte[] want = new byte[(int) REGION];
            Arrays.fill(want, (byte) (rounds.get() * (i + 1)));
            GmemRunResult r = devices.ioctl(p, fd, new GmemRun(GmemOp.LOAD, a + i * REGION, REGION, 0));
            assertArrayEquals("region " + i + " on the device", want, r.data());
        }
        byte[] back = new byte[(int) REGION];
        for (int i = 0; i < regions; i++) {
            p.mm().read(a + i * REGION, back, 0, back.length);
            byte[] want = new byte[(int) REGION];
            Arrays.fill(want, (byte) (rounds.get() * (i + 1)));
            assertArrayEquals("region " + i + " on the CPU", want, back);
        }
        p.exit();
        assertEquals(List.of(), memory.check());
        assertEquals(16L << 20 >> 12, gmem.devices().get(0).freePages());
    }

    @Test
    @SuppressWarnings("unchecked")
    public void twoDevicesOnOneAddressSpaceHandTheDataOver() throws Exception {
        MmProcess p = memory.spawn("two-npus");
        int fd0 = devices.open(p, "gmem0");
        int fd1 = devices.open(p, "gmem1");
        devices.ioctl(p, fd0, new GmemAttach(GmMmuMode.COHERENT_EXCLUSIVE));
        devices.ioctl(p, fd1, new GmemAttach(GmMmuMode.COHERENT_EXCLUSIVE));
        long a = p.mm().mmap(0, 2 * REGION, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        byte[] data = new byte[(int) (2 * REGION)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 13 + (i >> 12));
        }
        p.mm().write(a, data, 0, data.length);
        devices.ioctl(p, fd0, new GmemRun(GmemOp.INC, a, 2 * REGION, 1));
        devices.ioctl(p, fd1, new GmemRun(GmemOp.INC, a + REGION, REGION, 1));
        List<GmRegion> rows = devices.ioctl(p, fd0, new GmemResidency(a, 2 * REGION));
        assertEquals(List.of("gmem0", "gmem1"), rows.stream().map(GmRegion::device).toList());

        String table = Gogo.run(processor, "gmem:table " + p.pid());
        assertTrue(table, table.contains("DEVICE") && table.contains("gmem1"));
        String spaces = Gogo.run(processor, "gmem:spaces");
        assertTrue(spaces, spaces.contains("gmem0:COHERENT_EXCLUSIVE") && spaces.contains("gmem1:COHERENT_EXCLUSIVE"));
        String devs = Gogo.run(processor, "gmem:devices");
        assertTrue(devs, devs.contains("REPLAYABLE|PEER|COHERENT"));
        assertEquals("with device regions taken, the GMEM counts agree", "all invariants hold", Gogo.run(processor, "mm:check"));

        byte[] back = new byte[data.length];
        p.mm().read(a, back, 0, back.length);
        List<Byte> diffs = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            int want = data[i] + (i < REGION ? 1 : 2);
            if ((byte) want != back[i] && diffs.size() < 4) {
                diffs.add(back[i]);
            }
        }
        assertEquals(List.of(), diffs);
        p.exit();
    }

    @Test
    public void theShellOpensAttachesAndRunsKernels() throws Exception {
        MmProcess p = memory.spawn("shell-npu");
        long a = p.mm().mmap(0, REGION, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        String fd = Gogo.run(processor, "dev:open " + p.pid() + " gmem1").trim();
        String attached = Gogo.run(processor, "gmem:attach " + p.pid() + " " + fd + " replicate");
        assertTrue(attached, attached.contains("REPLICATE"));
        Gogo.run(processor, "gmem:run " + p.pid() + " " + fd + " store 0x" + Long.toHexString(a) + " 8192 9");
        String load = Gogo.run(processor, "gmem:run " + p.pid() + " " + fd + " load 0x" + Long.toHexString(a + 8190) + " 2 0");
        assertTrue(load, load.endsWith("data 09 09") || load.contains("data 09 09\n"));
        byte[] back = new byte[8192];
        p.mm().read(a, back, 0, back.length);
        byte[] want = new byte[8192];
        Arrays.fill(want, (byte) 9);
        assertArrayEquals(want, back);
        String table = Gogo.run(processor, "gmem:table " + p.pid());
        List<String> rows = table.lines().skip(1).filter(l -> !l.isBlank()).toList();
        assertEquals(table, 1, rows.size());
        assertTrue(table, rows.get(0).contains(" CPU ") && rows.get(0).endsWith(" 512"));
        Gogo.run(processor, "dev:close " + p.pid() + " " + fd);
        assertEquals(List.of(), gmem.as(p.mm()).contexts());
        p.exit();
    }
}
