package accelmm.bench;

import java.util.SplittableRandom;
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

/** Lookups at one million live ids: sequential and random, accelmm's IDR against its peers. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IdrBench {
    /** Live ids: 2^20, about one million. */
    static final int LIVE = 1 << 20;
    static final Object VALUE = new Object();

    @Param({"idr", "chm", "eclipse"})
    public String impl;

    IdStore store;
    int[] ids;
    int[] order;
    int cursor;

    @Setup(Level.Trial)
    public void fill() {
        store = IdStore.create(impl);
        ids = new int[LIVE];
        for (int i = 0; i < LIVE; i++) {
            ids[i] = store.alloc(VALUE);
        }
        order = shuffled(LIVE, 42);
    }

    /** A random permutation of 0..n-1. */
    static int[] shuffled(int n, long seed) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    @Benchmark
    public Object findSequential() {
        return store.find(ids[cursor++ & (LIVE - 1)]);
    }

    @Benchmark
    public Object findRandom() {
        return store.find(ids[order[cursor++ & (LIVE - 1)]]);
    }
}
