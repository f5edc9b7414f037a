package accelmm.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
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
import accelmm.api.uapi.gna.Gna;
import accelmm.api.uapi.gna.GnaBuffer;
import accelmm.api.uapi.gna.GnaCompute;
import accelmm.api.uapi.gna.GnaMapMemory;
import accelmm.api.uapi.gna.GnaWait;
import accelmm.api.uapi.gna.GnaWaitReply;
import accelmm.itests.support.Gogo;
import accelmm.itests.support.DriverBundles;
import accelmm.itests.support.HostOptions;

/** The shipped GNA driver bundle: inference from processes, and a live update under a request stream. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GnaIT extends accelmm.itests.support.HostTestBase {
    static final int SIZE = 64 * 1024;

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() {
        return HostOptions.host(HostOptions.driver("gna"));
    }

    /** A process with one affine layer (64 inputs, 16 outputs) in GNA memory; knows the answer. */
    private final class Inference {
        final MmProcess p = memory.spawn("gna-it");
        final int fd = devices.open(p, "gna0");
        final long va = p.mm().mmap(0, SIZE, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        final int[] expected = new int[16];
        final long memoryId;

        Inference(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            ByteBuffer m = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
            m.putInt(Gna.OP_AFFINE).putInt(64).putInt(16).putInt(4096).putInt(32768).putInt(8192).putInt(24576);
            short[] x = new short[64];
            for (int i = 0; i < 64; i++) {
                x[i] = (short) r.nextInt(-500, 500);
                m.putShort(4096 + 2 * i, x[i]);
            }
            for (int o = 0; o < 16; o++) {
                long acc = r.nextInt(-1000, 1000);
                m.putInt(24576 + 4 * o, (int) acc);
                for (int i = 0; i < 64; i++) {
                    short w = (short) r.nextInt(-500, 500);
                    m.putShort(8192 + 2 * (o * 64 + i), w);
                    acc += (long) w * x[i];
                }
                expected[o] = (int) acc;
            }
            p.mm().write(va, m.array(), 0, SIZE);
            memoryId = devices.ioctl(p, fd, new GnaMapMemory(va, SIZE)).memoryId();
        }

        int[] score() {
            GnaCompute c = new GnaCompute(0, 1, List.of(new GnaBuffer(memoryId, 0, SIZE, List.of())), Gna.MODE_XNN);
            long req = devices.ioctl(p, fd, c).requestId();
            GnaWaitReply r = devices.ioctl(p, fd, new GnaWait(req, 1000));
            assertEquals(Gna.STS_SCORE_COMPLETED | Gna.STS_STATISTICS_VALID, r.hwStatus());
            byte[] out = new byte[64];
            p.mm().read(va + 32768, out, 0, 64);
            int[] y = new int[16];
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(y);
            return y;
        }
    }

    @Test
    public void anInferenceWrittenByTheCpuIsCheckedByTheCpu() throws Exception {
        Inference inf = new Inference(1);
        long before = devices.stats("gna0").getOrDefault("gna.compute", 0L);
        assertArrayEquals(inf.expected, inf.score());
        String stats = Gogo.run(processor, "gna:counters gna0");
        assertTrue(stats, stats.contains("gna.compute " + (before + 1)));
        String req = Gogo.run(processor, "gna:score " + inf.p.pid() + " " + inf.fd + " " + inf.memoryId + " 1 " + SIZE).trim();
        assertEquals("status 0x9  cycles 1024", Gogo.run(processor, "gna:wait " + inf.p.pid() + " " + inf.fd + " " + req + " 5000").trim());
        assertTrue(Gogo.run(processor, "gna:info gna0").contains("max layers 1024"));
        inf.p.exit();
        assertEquals(List.of(), memory.check());
    }

    @Test
    public void updatingTheGnaBundleInTheMiddleOfAStreamLosesNothing() throws Exception {
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> streams = new ArrayList<>();
        List<Inference> inferences = new ArrayList<>();
        int[] done = new int[2];
        for (int t = 0; t < 2; t++) {
            Inference inf = new Inference(10 + t);
            inferences.add(inf);
            int slot = t;
            streams.add(new Thread(() -> {
                while (!stop.get()) {
                    try {
                        assertArrayEquals(inf.expected, inf.score());
                        done[slot]++;
                    } catch (Throwable e) {
                        errors.add(e);
                        return;
                    }
                }
            }));
        }
        streams.forEach(Thread::start);
        Thread.sleep(100);
        DriverBundles.updateAndAwait(context, devices, "gna", "gna0");
        Thread.sleep(100);
        stop.set(true);
        for (Thread t : streams) {
            t.join(20_000);
        }
        assertEquals(List.of(), List.copyOf(errors));
        assertTrue(done[0] > 0 && done[1] > 0);
        for (Inference inf : inferences) {
            assertArrayEquals("memory objects survive the update", inf.expected, inf.score());
            inf.p.exit();
        }
        assertEquals(List.of(), memory.check());
    }
}
