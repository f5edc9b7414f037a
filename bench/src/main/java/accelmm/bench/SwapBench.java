package accelmm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceSpec;
import accelmm.api.idr.Idr;
import accelmm.api.mm.MmProcess;
import accelmm.core.StandaloneCore;
import accelmm.core.device.DeviceManagerImpl;
import accelmm.core.mm.MemoryManagerImpl;

/**
 * How long a device is unavailable while its driver is replaced under load: four threads call it
 * without pause; each sample is one replacement, from the old driver's removal (new calls wait,
 * calls in flight drain) to the new driver's bind (waiting calls go on). Reported as p50 and p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SwapBench {
    private static final accelmm.api.device.CommandRequest CALL = new accelmm.api.device.CommandRequest("call");

    /** A driver whose calls allocate, look up and free a device registry entry. */
    static final class BenchDriver implements DeviceDriver {
        @Override
        @SuppressWarnings("unchecked")
        public <R> R ioctl(DeviceFile file, accelmm.api.device.Request<R> request) {
            Idr<Object> objects = file.device().idr("objects", 1);
            int id = objects.alloc(request, 1, 0);
            Object back = objects.find(id);
            objects.remove(id);
            return (R) back;
        }
    }

    final AtomicLong serviceIds = new AtomicLong();
    DeviceManagerImpl devices;
    long current;
    final AtomicBoolean stop = new AtomicBoolean();
    final List<Thread> load = new ArrayList<>();

    @Setup(Level.Trial)
    public void start() {
        StandaloneCore core = new StandaloneCore(64L << 20, 3_600_000, false, Set.of());
        MemoryManagerImpl mm = core.memory;
        devices = core.devices;
        devices.configure("bench", new DeviceSpec("bench0", "bench", 0, 1L << 12, 1L << 12, 1L << 16, null, 1, Map.of()));
        current = serviceIds.incrementAndGet();
        devices.addDriver(new BenchDriver(), "bench", current, 0, "bench", "1");
        for (int t = 0; t < 4; t++) {
            MmProcess p = mm.spawn("load" + t);
            int fd = devices.open(p, "bench0");
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    devices.ioctl(p, fd, CALL);
                }
            });
            th.setDaemon(true);
            load.add(th);
            th.start();
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : load) {
            t.join();
        }
        devices.deactivate();
    }

    @Benchmark
    public void swap() {
        devices.removeDriver(current);
        current = serviceIds.incrementAndGet();
        devices.addDriver(new BenchDriver(), "bench", current, 0, "bench", "1");
    }
}
