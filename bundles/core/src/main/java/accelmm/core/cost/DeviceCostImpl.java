package accelmm.core.cost;

import java.util.Arrays;

import accelmm.api.cost.CostCategory;
import accelmm.api.cost.CostModel;
import accelmm.api.cost.DeviceCost;
import accelmm.api.cost.TraceEvent;
import accelmm.api.cost.TraceSink;

/**
 * A device's costs: its model (replaced when its configuration changes), its busy time, the time
 * each DMA engine is free again, and the clocks of the processes it charges.
 *
 * <p>Concurrency: the engines are guarded by their array's monitor, each clock by its own; none is
 * held while another is taken but for a process clock inside the engines' lock (a leaf).
 */
final class DeviceCostImpl implements DeviceCost {
    private final SimClocksImpl clocks;
    private final String name;
    private final Clock busy = new Clock(0);
    private volatile java.util.function.LongSupplier memoryUsed = () -> 0;
    private volatile CostModel model;
    private long[] engineFree;
    private volatile long now;

    DeviceCostImpl(SimClocksImpl clocks, String name, CostModel model) {
        this.clocks = clocks;
        this.name = name;
        model(model);
    }

    void memoryUsed(java.util.function.LongSupplier used) {
        memoryUsed = used;
    }

    /** Sends a slice of {@code pid}'s time and the same slice of the device's, when a trace runs. */
    private void traced(String what, CostCategory category, int pid, long start, long nanos) {
        TraceSink s = clocks.sink();
        if (s != null) {
            long wall = System.nanoTime();
            s.event(new TraceEvent(what, category.key(), 'X', start, nanos, pid, null, 0, wall));
            s.event(new TraceEvent(what, category.key(), 'X', start, nanos, pid, name, 0, wall));
            if (category == CostCategory.TO_DEVICE || category == CostCategory.TO_HOST || category == CostCategory.EVICTION) {
                s.event(new TraceEvent("memory used", "memory", 'C', start + nanos, 0, 0, name, memoryUsed.getAsLong(), wall));
            }
        }
    }

    @Override
    public CostModel model() {
        return model;
    }

    void model(CostModel m) {
        synchronized (this) {
            long[] free = new long[m.dmaEngines()];
            if (engineFree != null) {
                long latest = Arrays.stream(engineFree).max().orElse(0);
                Arrays.fill(free, latest);
            }
            engineFree = free;
            model = m;
        }
    }

    @Override
    public long nowNanos() {
        return now;
    }

    private void reached(long t) {
        if (t > now) {
            now = t;
        }
    }

    @Override
    public void charge(int pid, CostCategory category, long nanos) {
        if (nanos <= 0) {
            return;
        }
        busy.add(category, nanos);
        long end = clocks.process(pid).add(category, nanos);
        reached(end);
        traced(category.key(), category, pid, end - nanos, nanos);
    }

    @Override
    public void fault(int pid) {
        charge(pid, CostCategory.FAULT, model.faultNanos());
    }

    @Override
    public void tlbFlush(int pid) {
        charge(pid, CostCategory.TLB, model.tlbNanos());
    }

    @Override
    public void transfer(int pid, CostCategory category, long bytes) {
        if (bytes <= 0) {
            return;
        }
        long d = model.transferNanos(bytes);
        Clock payer = clocks.process(pid);
        long end;
        synchronized (this) {
            int best = 0;
            for (int i = 1; i < engineFree.length; i++) {
                if (engineFree[i] < engineFree[best]) {
                    best = i;
                }
            }
            end = Math.max(payer.now(), engineFree[best]) + d;
            engineFree[best] = end;
        }
        busy.add(category, d);
        reached(payer.until(category, end));
        traced(category.key(), category, pid, end - d, d);
    }

    @Override
    public long processNanos(int pid) {
        return clocks.process(pid).now();
    }

    @Override
    public void slice(int pid, String what, long startNanos) {
        TraceSink s = clocks.sink();
        if (s != null) {
            long now = processNanos(pid);
            s.event(new TraceEvent(what, "exec", 'X', startNanos, Math.max(0, now - startNanos), pid, null, 0, System.nanoTime()));
        }
    }

    @Override
    public void compute(int pid, long local, long remote) {
        CostModel m = model;
        charge(pid, CostCategory.COMPUTE, m.memoryNanos(local));
        charge(pid, CostCategory.REMOTE, m.remoteNanos(remote));
    }

    accelmm.api.cost.SimTime busy() {
        return busy.snapshot();
    }
}
