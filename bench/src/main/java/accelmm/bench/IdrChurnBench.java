package accelmm.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Remove a random live id, then allocate one: the IDR hands the freed id out again (lowest free);
 * the peers take a fresh key from their counter. Measured at 1K and 1M live ids.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IdrChurnBench {
    @Param({"idr", "chm", "eclipse"})
    public String impl;

    @Param({"1024", "1048576"})
    public int live;

    IdStore store;
    int[] ids;
    int[] order;
    int mask;
    int cursor;

    @Setup(Level.Trial)
    public void fill() {
        store = IdStore.create(impl);
        ids = new int[live];
        for (int i = 0; i < live; i++) {
            ids[i] = store.alloc(IdrBench.VALUE);
        }
        int spread = Math.max(live, 1 << 16);
        order = IdrBench.shuffled(spread, 7);
        for (int i = 0; i < spread; i++) {
            order[i] %= live;
        }
        mask = spread - 1;
    }

    @Benchmark
    public int churn() {
        int k = order[cursor++ & mask];
        store.remove(ids[k]);
        return ids[k] = store.alloc(IdrBench.VALUE);
    }
}
