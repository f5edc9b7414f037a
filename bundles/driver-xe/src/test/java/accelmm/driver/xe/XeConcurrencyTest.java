package accelmm.driver.xe;

import static accelmm.testing.Patterns.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import accelmm.testing.Leaks;
import accelmm.api.device.DeviceSpec;
import accelmm.api.lockdep.Lockdep;
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
import accelmm.core.StandaloneCore;

/**
 * Threads of one process racing the GPU: munmap against GPU faults, CPU and GPU writes to the same
 * pages with VRAM migration both ways. A deadlock fails the test by its timeout; every byte the
 * GPU reads back is checked.
 */
class XeConcurrencyTest {
    static final long MIB = 1L << 20;

    final StandaloneCore core = new StandaloneCore(96 * MIB, 50, false, Set.of());
    final List<Thread> threads = new ArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    XeConcurrencyTest() {
        core.devices.configure("xe0", new DeviceSpec("xe0", "xe", 4 * MIB, (1L << 12) | (2 * MIB), 1L << 12, 1L << 32, null, 1, Map.of()));
        core.devices.addDriver(new XeDriver(), "xe", 1, 0, "accelmm.driver.xe", "test");
    }

    @AfterEach
    void nothingLeaks() throws InterruptedException {
        joinAll();
        Leaks.assertNothingLeaks(core.memory, core.dma, core::close, core.diag.warnings()::count);
    }

    void start(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        }, name);
        threads.add(t);
        t.start();
    }

    /** A process with an Xe file and a fault-mode VM mirroring its whole address space. */
    record Svm(MmProcess p, int fd, int vm) {
    }

    Svm svm(String name) {
        MmProcess p = core.memory.spawn(name);
        int fd = core.devices.open(p, "xe0");
        int vm = core.devices.ioctl(p, fd, new XeVmCreate(true));
        core.devices.ioctl(p, fd, new XeBindMirror(vm, 0, 1L << 47));
        return new Svm(p, fd, vm);
    }

    /** Runs commands on the GPU; the exec must finish. */
    XeExecResult exec(Svm s, XeCmd... cmds) {
        XeExecResult r = core.devices.ioctl(s.p(), s.fd(), new XeExec(s.vm(), List.of(cmds)));
        assertTrue(r.done(), () -> "exec failed: " + r.faultErrno() + " at 0x" + Long.toHexString(r.faultAddress()));
        return r;
    }

    /** Waits for every started thread; one still running is a deadlock. */
    void joinAll() throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), t.getName() + " did not end: a deadlock");
        }
        assertEquals(List.of(), failures);
    }

    long malloc(MmProcess p, long size) {
        return p.mm().mmap(0, size, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
    }


    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void munmapRacingGpuFaultsNeitherDeadlocksNorLeavesStaleMappings() throws InterruptedException {
        Svm g = svm("racer");
        MmProcess p = g.p();
        long stable = malloc(p, 2 * MIB);
        byte[] data = pattern((int) (2 * MIB), 3);
        p.mm().write(stable, data, 0, data.length);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong execs = new AtomicLong();
        AtomicLong unmaps = new AtomicLong();
        start("gpu", () -> {
            while (!stop.get()) {
                assertArrayEquals(data, exec(g, XeCmd.load(stable, data.length)).loads().get(0));
                execs.incrementAndGet();
            }
        });
        start("munmap", () -> {
            while (!stop.get()) {
                long a = malloc(p, 256 * 1024);
                p.mm().write(a, new byte[] {1}, 0, 1);
                exec(g, XeCmd.store(a + 4096, new byte[] {9}));
                p.mm().munmap(a, 256 * 1024);
                unmaps.incrementAndGet();
            }
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until && failures.isEmpty()) {
            Thread.sleep(20);
        }
        stop.set(true);
        joinAll();
        assertTrue(execs.get() > 0 && unmaps.get() > 0, execs + " execs, " + unmaps + " unmaps");
        assertEquals(List.of(), core.memory.check());
        assertEquals(List.of(), core.devices.check(), "no GPU mapping outlives the memory it mapped");
        core.devices.ioctl(p, g.fd(), new accelmm.api.uapi.xe.XeVmDestroy(g.vm()));
        p.exit();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void cpuAndGpuThreadsOnTheSamePagesKeepEveryByte() throws InterruptedException {
        Svm g = svm("sharer");
        MmProcess p = g.p();
        int slots = 4;
        long size = 2 * MIB;
        long a = malloc(p, slots * size);
        core.devices.ioctl(p, g.fd(), new XeMadvise(g.vm(), a, a + slots * size, Xe.LOC_VRAM));
        for (int s = 0; s < slots; s++) {
            long base = a + s * size;
            int slot = s;
            // Each thread owns one word per page of its slot: its writes are the model of the bytes.
            start("cpu-gpu-" + s, () -> {
                byte[] word = new byte[4];
                for (int round = 1; round <= 40; round++) {
                    int off = (round * 4096 + slot * 64) % (int) size;
                    java.nio.ByteBuffer.wrap(word).putInt(round * 1000 + slot);
                    if (round % 2 == 0) {
                        p.mm().write(base + off, word, 0, 4);
                    } else {
                        exec(g, XeCmd.store(base + off, word.clone()));
                    }
                    byte[] cpu = new byte[4];
                    p.mm().read(base + off, cpu, 0, 4);
                    assertArrayEquals(word, cpu, "the CPU reads what was written");
                    assertArrayEquals(word, exec(g, XeCmd.load(base + off, 4)).loads().get(0), "the GPU reads what was written");
                }
            });
        }
        joinAll();
        assertTrue(core.devices.stats("xe0").getOrDefault("xe.migrate_to_vram", 0L) > 0, "VRAM was used");
        assertTrue(core.devices.stats("xe0").getOrDefault("migrate.to_ram", 0L) > 0, "CPU touches brought pages back");
        assertEquals(List.of(), core.memory.check());
        assertEquals(List.of(), core.devices.check(), "no GPU mapping outlives the memory it mapped");
        assertTrue(Lockdep.enabled());
        p.exit();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void driverUpdatesWhileCpuTouchesMigrateVramBackNeitherDeadlockNorLoseBytes() throws InterruptedException {
        Svm g = svm("updated");
        MmProcess p = g.p();
        long size = MIB;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong rounds = new AtomicLong();
        // The CPU read of a page in VRAM runs the driver's migrate_to_ram, whose migration
        // invalidates the driver's own notifier: a callback nested in a callback, while the driver
        // is being replaced.
        for (int t = 0; t < 3; t++) {
            long a = malloc(p, size);
            core.devices.ioctl(p, g.fd(), new XeMadvise(g.vm(), a, a + size, Xe.LOC_VRAM));
            start("cpu-gpu-" + t, () -> {
                byte[] word = new byte[4];
                for (int round = 1; !stop.get(); round++) {
                    long at = a + (round % 256) * 4096L;
                    java.nio.ByteBuffer.wrap(word).putInt(round);
                    exec(g, XeCmd.store(at, word.clone()));
                    byte[] cpu = new byte[4];
                    p.mm().read(at, cpu, 0, 4);
                    assertArrayEquals(word, cpu);
                    rounds.incrementAndGet();
                }
            });
        }
        long id = 1;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (System.nanoTime() < until && failures.isEmpty()) {
            core.devices.removeDriver(id);
            id++;
            core.devices.addDriver(new XeDriver(), "xe", id, 0, "accelmm.driver.xe", "test");
        }
        stop.set(true);
        joinAll();
        assertTrue(rounds.get() > 0);
        assertEquals(List.of(), core.devices.check());
        p.exit();
    }
}
