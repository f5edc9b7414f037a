package accelmm.core.cost;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import accelmm.api.cost.CostModel;
import accelmm.api.cost.SimClocks;
import accelmm.api.cost.SimTime;

/**
 * The host's simulated clocks: one per process charged and one cost record per device name, kept
 * while the device is replaced or reconfigured so its time goes on.
 *
 * <p>Concurrency: thread-safe (concurrent maps; each clock guards itself).
 */
public final class SimClocksImpl implements SimClocks {
    private final Map<Integer, Clock> processes = new ConcurrentHashMap<>();
    private final Map<String, DeviceCostImpl> devices = new ConcurrentHashMap<>();
    private final Map<String, CostModel> configured = new ConcurrentHashMap<>();

    /** Returns the cost record of device {@code name}, made with its configured model (PCIe 4.0 x16 if none). */
    public accelmm.api.cost.DeviceCost device(String name) {
        return devices.computeIfAbsent(name, n -> new DeviceCostImpl(this, n, configured.getOrDefault(n, CostModel.PCIE4_X16)));
    }

    /** Returns the cost record of device {@code name}, whose memory in use a trace samples from {@code memoryUsed}. */
    public accelmm.api.cost.DeviceCost device(String name, java.util.function.LongSupplier memoryUsed) {
        DeviceCostImpl d = (DeviceCostImpl) device(name);
        d.memoryUsed(memoryUsed);
        return d;
    }

    private volatile accelmm.api.cost.TraceSink sink;

    @Override
    public void trace(accelmm.api.cost.TraceSink sink) {
        this.sink = sink;
    }

    /** The trace's sink, or null when none runs. */
    accelmm.api.cost.TraceSink sink() {
        return sink;
    }

    @Override
    public void instant(String name, String device) {
        accelmm.api.cost.TraceSink s = sink;
        if (s != null) {
            s.event(new accelmm.api.cost.TraceEvent(name, "run", 'i', now(), 0, 0, device, 0, System.nanoTime()));
        }
    }

    /** Sets the cost model of device {@code name}, now and for a device made later by that name. */
    public void configure(String name, CostModel model) {
        configured.put(name, model);
        ((DeviceCostImpl) device(name)).model(model);
    }

    private volatile long runStart;

    /** The clock of process {@code pid}, made on its first charge at the start of the current run. */
    Clock process(int pid) {
        Clock c = processes.get(pid);
        return c != null ? c : processes.computeIfAbsent(pid, p -> new Clock(runStart));
    }

    @Override
    public void waitUntil(int pid, long nanos) {
        process(pid).untilElapsed(accelmm.api.cost.CostCategory.WAIT, nanos);
    }

    @Override
    public void startRun() {
        runStart = now();
    }

    private long now() {
        long t = 0;
        for (DeviceCostImpl d : devices.values()) {
            t = Math.max(t, d.nowNanos());
        }
        return t;
    }

    @Override
    public Map<Integer, SimTime> processes() {
        Map<Integer, SimTime> out = new TreeMap<>();
        processes.forEach((pid, c) -> {
            if (pid != 0) {
                out.put(pid, c.snapshot());
            }
        });
        return out;
    }

    @Override
    public Map<String, SimTime> devices() {
        Map<String, SimTime> out = new TreeMap<>();
        devices.forEach((name, d) -> out.put(name, d.busy()));
        return out;
    }
}
