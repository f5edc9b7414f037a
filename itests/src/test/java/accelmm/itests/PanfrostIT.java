package accelmm.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import accelmm.api.mm.MmProcess;
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostSubmit;
import accelmm.itests.support.Await;
import accelmm.itests.support.DriverBundles;
import accelmm.itests.support.HostOptions;

/** The shipped Panfrost driver: a heap grown by a job stream that goes on across a driver update. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PanfrostIT extends accelmm.itests.support.HostTestBase {
    @Configuration
    public Option[] config() {
        return HostOptions.host(HostOptions.driver("panfrost"));
    }

    @Test
    public void aJobStreamGrowsAHeapAcrossADriverUpdateWithEveryByteIntact() throws Exception {
        MmProcess p = memory.spawn("mali");
        int fd = devices.open(p, "panfrost0");
        PanfrostBo heap = devices.ioctl(p, fd, new PanfrostCreateBo(64L << 20, Panfrost.BO_HEAP | Panfrost.BO_NOEXEC, 0));
        AtomicInteger jobs = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Thread stream = new Thread(() -> {
            try {
                for (int i = 0; i < 128 && !stop.get(); i++) {
                    long at = heap.offset() + i * (512L << 10) + 100;
                    byte[] data = {(byte) i, (byte) (i >> 8), 7};
                    PanfrostJob j = devices.ioctl(p, fd, new PanfrostSubmit(List.of(heap.handle()),
                            List.of(PanfrostCmd.store(at, data), PanfrostCmd.load(at, 3))));
                    assertTrue(j.done());
                    assertArrayEquals(data, j.loads().get(0));
                    jobs.incrementAndGet();
                    Thread.sleep(2);
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        stream.start();
        Await.until("a few jobs", 20_000, () -> jobs.get() >= 10);
        DriverBundles.updateAndAwait(context, devices, "panfrost", "panfrost0");
        stream.join(60_000);
        assertEquals(List.of(), List.copyOf(errors));
        assertEquals(128, jobs.get());
        List<PanfrostCmd> loads = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            loads.add(PanfrostCmd.load(heap.offset() + i * (512L << 10) + 100, 3));
        }
        PanfrostJob all = devices.ioctl(p, fd, new PanfrostSubmit(List.of(heap.handle()), loads));
        assertEquals(0, all.heapFaults());
        for (int i = 0; i < 128; i++) {
            assertArrayEquals(new byte[] {(byte) i, (byte) (i >> 8), 7}, all.loads().get(i));
        }
        assertEquals(32L, devices.stats("panfrost0").get("panfrost.heap_fault").longValue());
        p.exit();
        assertEquals(List.of(), memory.check());
    }
}
