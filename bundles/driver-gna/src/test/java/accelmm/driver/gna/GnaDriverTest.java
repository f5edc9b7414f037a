package accelmm.driver.gna;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceSpec;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.gna.Gna;
import accelmm.api.uapi.gna.GnaBuffer;
import accelmm.api.uapi.gna.GnaCompute;
import accelmm.api.uapi.gna.GnaGetParameter;
import accelmm.api.uapi.gna.GnaMapMemory;
import accelmm.api.uapi.gna.GnaPatch;
import accelmm.api.uapi.gna.GnaUnmapMemory;
import accelmm.api.uapi.gna.GnaWait;
import accelmm.api.uapi.gna.GnaWaitReply;
import accelmm.core.device.DeviceManagerImpl;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.dma.DmaImpl;
import accelmm.core.StandaloneCore;
import accelmm.core.mm.MemoryManagerImpl;

/** The GNA driver on the real core: every validation rule, real inference, pins per request. */
class GnaDriverTest {
    static final int PAGE = 4096;
    static final int SIZE = 64 * 1024;
    static final int IN = 4096;
    static final int WEIGHTS = 8192;
    static final int BIAS = 24576;
    static final int OUT = 32768;

    final StandaloneCore core = new StandaloneCore(64L << 20, 100, false, Set.of());
    final CoreDiagnostics diag = core.diag;
    final MemoryManagerImpl mm = core.memory;
    final DmaImpl dma = core.dma;
    final DeviceManagerImpl devices = core.devices;

    GnaDriverTest() {
        devices.configure("gna0", new DeviceSpec("gna0", "gna", 0, 1L << 12, 1L << 12, 1L << 16, null, 1, Map.of()));
        devices.addDriver(new GnaDriver(), "gna", 1, 0, "accelmm.driver.gna", "test");
    }

    @AfterEach
    void nothingStaysPinnedOrLeaks() {
        core.close();
        assertEquals(0, mm.nodes().get(0).used(), "every frame is free once the processes exit");
        assertEquals(List.of(), mm.check());
        assertEquals(0, diag.warnings().count());
    }


    /** A process with the device open. */
    final class User {
        final MmProcess p = mm.spawn("gna-user");
        final int fd = devices.open(p, "gna0");

        <R> R ioctl(accelmm.api.device.Request<R> request) {
            return devices.ioctl(p, fd, request);
        }

        long mmap(long size) {
            return p.mm().mmap(0, size, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        }

        long map(long addr, long size) {
            return ioctl(new GnaMapMemory(addr, size)).memoryId();
        }

        GnaWaitReply run(GnaCompute c) {
            long id = ioctl(c).requestId();
            return ioctl(new GnaWait(id, 1000));
        }
    }

    static GnaCompute one(long memoryId, long offset, long size, List<GnaPatch> patches) {
        return new GnaCompute(0, 1, List.of(new GnaBuffer(memoryId, offset, size, patches)), Gna.MODE_XNN);
    }

    /** Writes a one-layer affine network into user memory at {@code va}; returns the expected outputs. */
    static int[] writeNetwork(User u, long va, int nIn, int nOut, long seed) {
        ByteBuffer d = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        d.putInt(Gna.OP_AFFINE).putInt(nIn).putInt(nOut).putInt(IN).putInt(OUT).putInt(WEIGHTS).putInt(BIAS);
        u.p.mm().write(va, d.array(), 0, 28);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        short[] x = new short[nIn];
        ByteBuffer xb = ByteBuffer.allocate(nIn * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < nIn; i++) {
            x[i] = (short) r.nextInt(-300, 300);
            xb.putShort(x[i]);
        }
        ByteBuffer wb = ByteBuffer.allocate(nIn * nOut * 2).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bb = ByteBuffer.allocate(nOut * 4).order(ByteOrder.LITTLE_ENDIAN);
        int[] expected = new int[nOut];
        for (int o = 0; o < nOut; o++) {
            int bias = r.nextInt(-100000, 100000);
            bb.putInt(bias);
            long acc = bias;
            for (int i = 0; i < nIn; i++) {
                short w = (short) r.nextInt(-300, 300);
                wb.putShort(w);
                acc += (long) w * x[i];
            }
            expected[o] = (int) acc;
        }
        u.p.mm().write(va + IN, xb.array(), 0, xb.capacity());
        u.p.mm().write(va + WEIGHTS, wb.array(), 0, wb.capacity());
        u.p.mm().write(va + BIAS, bb.array(), 0, bb.capacity());
        return expected;
    }

    static int[] readOutputs(User u, long va, int nOut) {
        byte[] out = new byte[nOut * 4];
        u.p.mm().read(va + OUT, out, 0, out.length);
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        int[] y = new int[nOut];
        for (int o = 0; o < nOut; o++) {
            y[o] = b.getInt();
        }
        return y;
    }

    @Test
    void mapChecksAlignmentSizeAndRangeAndIdsStartAtOne() {
        User u = new User();
        long va = u.mmap(SIZE);
        assertErrno(Errno.EINVAL, () -> u.map(va + 64, 4096));
        assertErrno(Errno.EINVAL, () -> u.map(va, 0));
        assertErrno(Errno.EINVAL, () -> u.map(va, 1L << 32));
        assertErrno(Errno.EINVAL, () -> u.map((1L << 47) - PAGE, 2 * PAGE));
        assertEquals(1, u.map(va, SIZE));
        assertEquals(2, u.map(va, PAGE));
        assertEquals(0L, devices.stats("gna0").getOrDefault("pin.pages", 0L), "mapping pins nothing");
    }

    @Test
    void freeChecksOwnershipAndAnswersEinvalLikeAnUnknownId() {
        User a = new User();
        User b = new User();
        long id = a.map(a.mmap(SIZE), SIZE);
        assertErrno(Errno.EINVAL, () -> b.ioctl(new GnaUnmapMemory(id)));
        assertErrno(Errno.EINVAL, () -> b.ioctl(new GnaUnmapMemory(99)));
        assertErrno(Errno.EINVAL, () -> b.run(one(id, 0, PAGE, List.of())));
        a.ioctl(new GnaUnmapMemory(id));
        assertErrno(Errno.EINVAL, () -> a.ioctl(new GnaUnmapMemory(id)));
    }

    @Test
    void computeValidatesEveryFieldInTheKernelsOrder() {
        User u = new User();
        long va = u.mmap(2 * SIZE);
        long id = u.map(va, SIZE);
        long id2 = u.map(va + SIZE, SIZE);
        GnaBuffer ok = new GnaBuffer(id, 0, PAGE, List.of());
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaCompute(0, 1, List.of(ok), 2)));
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaCompute(0, Gna.MAX_LAYER_COUNT + 1, List.of(ok), Gna.MODE_XNN)));
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaCompute(0, 1, 0, List.of(ok), false, Gna.MODE_XNN)));
        long wraps = Long.divideUnsigned(-1L, 40) + 1;
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaCompute(0, 1, wraps, List.of(ok), false, Gna.MODE_XNN)));
        assertErrno(Errno.EFAULT, () -> u.ioctl(new GnaCompute(0, 1, 2, List.of(ok), false, Gna.MODE_XNN)));
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaCompute(0, 1, List.of(ok, ok), Gna.MODE_XNN)));
        assertErrno(Errno.EINVAL, () -> u.ioctl(one(id, 0, Gna.MAX_HW_MEM + 1, List.of())));
        assertErrno(Errno.EINVAL, () -> u.ioctl(one(77, 0, PAGE, List.of())));
        assertErrno(Errno.EINVAL, () -> u.ioctl(one(id, SIZE, 1, List.of())));
        assertErrno(Errno.EINVAL, () -> u.ioctl(one(id, 8, SIZE, List.of())));
        assertErrno(Errno.EINVAL, () -> u.ioctl(one(id, 8, Long.MAX_VALUE, List.of())));
        assertErrno(Errno.EINVAL, () -> u.ioctl(one(id, -1, 8, List.of())));
        assertErrno(Errno.EINVAL, () -> u.ioctl(one(id, 0, PAGE, List.of(new GnaPatch(0, 9, 1)))));
        assertErrno(Errno.EINVAL, () -> u.ioctl(one(id, 0, PAGE, List.of(new GnaPatch(PAGE - 2, 4, 1)))));
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaCompute(2 * SIZE, 1, List.of(ok, new GnaBuffer(id2, 0, SIZE, List.of())),
                Gna.MODE_GMM)));
        assertErrno(Errno.ENOTTY, () -> u.ioctl(new accelmm.api.uapi.panfrost.PanfrostFreeBo(1)));
        assertEquals(Gna.DEVICE_ID, u.ioctl(new GnaGetParameter(Gna.PARAM_DEVICE_ID)));
        assertEquals((long) Gna.MAX_LAYER_COUNT, u.ioctl(new GnaGetParameter(Gna.PARAM_MAX_LAYER_COUNT)));
        assertEquals(Gna.MAX_HW_MEM, u.ioctl(new GnaGetParameter(Gna.PARAM_MAX_MEMORY)));
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaGetParameter(9)));
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaWait(5, 10)));
        assertEquals(0L, devices.stats("gna0").getOrDefault("pin.pages", 0L), "nothing was pinned");
    }

    @Test
    void anInferenceComputesTheAffineLayerByteForByteAndUnpinsAfterwards() {
        User u = new User();
        long va = u.mmap(SIZE);
        int[] expected = writeNetwork(u, va, 64, 32, 1);
        long id = u.map(va, SIZE);
        GnaWaitReply r = u.run(one(id, 0, SIZE, List.of()));
        assertEquals(Gna.STS_SCORE_COMPLETED | Gna.STS_STATISTICS_VALID, r.hwStatus());
        assertEquals(64 * 32, r.totalCycles());
        assertArrayEquals(expected, readOutputs(u, va, 32));
        assertEquals(16L, devices.stats("gna0").get("pin.pages"));
        assertEquals(0, dma.device("gna0").mappings());
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaWait(1, 10)));
    }

    @Test
    void patchesLandInsideTheirBufferEvenAtOffsetsBeyondTheFirstPage() {
        User u = new User();
        long va = u.mmap(SIZE);
        int[] expected = writeNetwork(u, va, 8, 4, 2);
        long id = u.map(va, SIZE);
        long bufferOffset = PAGE + 100;
        long bufferSize = 200;
        GnaBuffer net = new GnaBuffer(id, 0, SIZE, List.of(new GnaPatch(BIAS, 4, 1000)));
        int originalBias = biasOf(u, va, 0);
        u.run(new GnaCompute(0, 1, List.of(net), Gna.MODE_XNN));
        int[] y = readOutputs(u, va, 4);
        assertEquals(expected[0] - originalBias + 1000, y[0]);
        assertEquals(1000, biasOf(u, va, 0), "the patch stays in the user's memory");
        long va2 = u.mmap(SIZE);
        long id2 = u.map(va2, SIZE);
        GnaBuffer tail = new GnaBuffer(id2, bufferOffset, bufferSize, List.of(new GnaPatch(bufferSize - 1, 1, 0x5A)));
        u.run(new GnaCompute(0, 1, List.of(net, tail), Gna.MODE_XNN));
        byte[] around = new byte[3];
        u.p.mm().read(va2 + bufferOffset + bufferSize - 2, around, 0, 3);
        assertArrayEquals(new byte[] {0, 0x5A, 0}, around);
    }

    private static int biasOf(User u, long va, int o) {
        byte[] b = new byte[4];
        u.p.mm().read(va + BIAS + 4L * o, b, 0, 4);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Test
    void anAccessPastVamaxaddrEndsWithVaOutOfRangeAndSaturationIsReported() {
        User u = new User();
        long va = u.mmap(SIZE);
        writeNetwork(u, va, 8, 4, 3);
        ByteBuffer d = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(SIZE + PAGE);
        u.p.mm().write(va + 16, d.array(), 0, 4);
        long id = u.map(va, SIZE);
        assertEquals(Gna.STS_VA_OOR, u.run(one(id, 0, SIZE, List.of())).hwStatus());
        writeNetwork(u, va, 8, 4, 3);
        ByteBuffer big = ByteBuffer.allocate(8 * 4 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 32; i++) {
            big.putShort(Short.MAX_VALUE);
        }
        u.p.mm().write(va + IN, big.array(), 0, 16);
        u.p.mm().write(va + WEIGHTS, big.array(), 0, 64);
        ByteBuffer bias = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (int o = 0; o < 4; o++) {
            bias.putInt(Integer.MAX_VALUE);
        }
        u.p.mm().write(va + BIAS, bias.array(), 0, 16);
        GnaWaitReply r = u.run(one(id, 0, SIZE, List.of()));
        assertEquals(Gna.STS_SCORE_COMPLETED | Gna.STS_STATISTICS_VALID | Gna.STS_SATURATE, r.hwStatus());
        assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE},
                readOutputs(u, va, 4));
    }

    /** Writes {@code layers} copies of a wide layer so that one request keeps the device busy a while. */
    static void writeSlowNetwork(User u, long va, int layers) {
        ByteBuffer d = ByteBuffer.allocate(layers * Gna.DESCRIPTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < layers; l++) {
            d.position(l * Gna.DESCRIPTOR_SIZE);
            d.putInt(Gna.OP_AFFINE).putInt(2048).putInt(64).putInt(512 * 1024).putInt(768 * 1024).putInt(0).putInt(1024 * 1024);
        }
        u.p.mm().write(va, d.array(), 0, d.capacity());
    }

    @Test
    void requestsQueueWaitTimesOutWithEbusyAFreeDeletesQueuedRequestsAndAnUpdateKeepsTheQueue() {
        User u = new User();
        long big = u.mmap(2L << 20);
        writeSlowNetwork(u, big, 200);
        long bigId = u.map(big, 2L << 20);
        long small = u.mmap(SIZE);
        int[] expected = writeNetwork(u, small, 16, 8, 7);
        long smallId = u.map(small, SIZE);
        long slow = u.ioctl(new GnaCompute(0, 200, List.of(new GnaBuffer(bigId, 0, 2L << 20, List.of())),
                Gna.MODE_XNN)).requestId();
        long queued = u.ioctl(one(smallId, 0, SIZE, List.of())).requestId();
        long doomed = u.ioctl(one(smallId, 0, SIZE, List.of())).requestId();
        assertErrno(Errno.EBUSY, () -> u.ioctl(new GnaWait(queued, 0)));
        devices.addDriver(new GnaDriver(), "gna", 2, 0, "accelmm.driver.gna", "next");
        assertEquals(Gna.STS_SCORE_COMPLETED | Gna.STS_STATISTICS_VALID,
                u.ioctl(new GnaWait(slow, 30_000)).hwStatus());
        assertEquals(Gna.STS_SCORE_COMPLETED | Gna.STS_STATISTICS_VALID,
                u.ioctl(new GnaWait(queued, 30_000)).hwStatus());
        assertArrayEquals(expected, readOutputs(u, small, 8));
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaWait(queued, 10)));
        u.ioctl(new GnaWait(doomed, 30_000));
        long later = u.ioctl(new GnaCompute(0, 200, List.of(new GnaBuffer(bigId, 0, 2L << 20, List.of())),
                Gna.MODE_XNN)).requestId();
        long cancelled = u.ioctl(one(smallId, 0, SIZE, List.of())).requestId();
        u.ioctl(new GnaUnmapMemory(smallId));
        assertErrno(Errno.EINVAL, () -> u.ioctl(new GnaWait(cancelled, 1000)));
        u.ioctl(new GnaWait(later, 30_000));
        assertEquals(1L, devices.stats("gna0").get("gna.cancel"));
    }

    @Test
    void memoryUnmappedByTheProcessFailsTheRequestWithEfault() {
        User u = new User();
        long va = u.mmap(SIZE);
        writeNetwork(u, va, 8, 4, 4);
        long id = u.map(va, SIZE);
        u.p.mm().munmap(va, SIZE);
        long req = u.ioctl(one(id, 0, SIZE, List.of())).requestId();
        assertErrno(Errno.EFAULT, () -> u.ioctl(new GnaWait(req, 30_000)));
        assertTrue(devices.stats("gna0").get("gna.invalidate") >= 1);
    }

    @Test
    void twoProcessesScoreAtOnceAndMunmapDuringScoringNeverCorruptsAnything() throws Exception {
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int seed = 10 + t;
            threads.add(new Thread(() -> {
                try {
                    User u = new User();
                    long va = u.mmap(SIZE);
                    int[] expected = writeNetwork(u, va, 32, 16, seed);
                    long id = u.map(va, SIZE);
                    for (int i = 0; i < 200 && !stop.get(); i++) {
                        GnaWaitReply r = u.run(one(id, 0, SIZE, List.of()));
                        assertEquals(Gna.STS_SCORE_COMPLETED | Gna.STS_STATISTICS_VALID, r.hwStatus());
                        assertArrayEquals(expected, readOutputs(u, va, 16));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        User victim = new User();
        long va = victim.mmap(SIZE);
        int[] expected = writeNetwork(victim, va, 32, 16, 99);
        long id = victim.map(va, SIZE);
        Thread scorer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    long req = victim.ioctl(one(id, 0, SIZE, List.of())).requestId();
                    try {
                        victim.ioctl(new GnaWait(req, 30_000));
                        assertArrayEquals(expected, readOutputs(victim, va, 16));
                    } catch (accelmm.api.mm.SegvException e) {
                        return;
                    } catch (ErrnoException e) {
                        assertEquals(Errno.EFAULT, e.errno());
                        return;
                    }
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        threads.add(scorer);
        threads.forEach(Thread::start);
        Thread.sleep(20);
        victim.p.mm().munmap(va, SIZE);
        scorer.join(20_000);
        stop.set(true);
        for (Thread t : threads) {
            t.join(20_000);
        }
        assertEquals(List.of(), List.copyOf(errors));
    }
}
