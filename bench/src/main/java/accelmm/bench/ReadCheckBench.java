package accelmm.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import accelmm.api.notifier.IntervalNotifier;
import accelmm.core.notifier.Subscriptions;

/** The driver's per-fault protocol cost with no invalidation running: readBegin then readRetry. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReadCheckBench {
    IntervalNotifier sub;

    @Setup
    public void insert() {
        sub = new Subscriptions().insert(1L << 32, 1L << 21, NotifierBench.OPS);
    }

    @Benchmark
    public boolean readBeginRetry() {
        long seq = sub.readBegin();
        return sub.readRetry(seq);
    }
}
