package accelmm.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/** Filling an empty store with one million ids, and removing them all in random order; per id. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IdrBulkBench {
    @Param({"idr", "chm", "eclipse"})
    public String impl;

    IdStore empty;
    IdStore full;
    int[] ids;
    int[] order;

    @Setup(Level.Trial)
    public void order() {
        order = IdrBench.shuffled(IdrBench.LIVE, 3);
        ids = new int[IdrBench.LIVE];
    }

    @Setup(Level.Invocation)
    public void stores(BenchmarkParams params) {
        if (params.getBenchmark().endsWith(".alloc")) {
            empty = IdStore.create(impl);
            return;
        }
        full = IdStore.create(impl);
        for (int i = 0; i < IdrBench.LIVE; i++) {
            ids[i] = full.alloc(IdrBench.VALUE);
        }
    }

    @Benchmark
    @OperationsPerInvocation(IdrBench.LIVE)
    public IdStore alloc() {
        for (int i = 0; i < IdrBench.LIVE; i++) {
            empty.alloc(IdrBench.VALUE);
        }
        return empty;
    }

    @Benchmark
    @OperationsPerInvocation(IdrBench.LIVE)
    public IdStore remove() {
        for (int i = 0; i < IdrBench.LIVE; i++) {
            full.remove(ids[order[i]]);
        }
        return full;
    }
}
