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

import com.lodborg.intervaltree.IntegerInterval;
import com.lodborg.intervaltree.Interval.Bounded;
import com.lodborg.intervaltree.IntervalTree;

import accelmm.api.notifier.IntervalNotifierOps;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;
import accelmm.core.notifier.Subscriptions;

/**
 * An invalidation over {@code n} registered one-page notifiers laid side by side, for ranges of
 * {@code span} bytes at random aligned places: accelmm's notifiers (query plus one callback per
 * hit) against the same query on {@code com.lodborg:interval-tree} (page units). The ranges are
 * built beforehand, as the kernel's live on the caller's stack.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NotifierBench {
    static final long BASE = 1L << 32;
    static final long PAGE = 4096;
    static final IntervalNotifierOps OPS = (sub, range, cur) -> {
        sub.setSeq(cur);
        return true;
    };

    @Param({"1024", "1048576"})
    public int n;

    @Param({"4096", "2097152", "67108864", "1073741824"})
    public long span;

    Subscriptions subs;
    IntervalTree<Integer> peer;
    long[] starts;
    NotifierRange[] ranges;
    int cursor;

    @Setup(Level.Trial)
    public void fill() {
        subs = new Subscriptions();
        for (int i = 0; i < n; i++) {
            subs.insert(BASE + i * PAGE, PAGE, OPS);
        }
        long slots = Math.max(1, n * PAGE / span);
        SplittableRandom rnd = new SplittableRandom(3);
        starts = new long[1024];
        ranges = new NotifierRange[starts.length];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = BASE + rnd.nextLong(slots) * span;
            ranges[i] = new NotifierRange(starts[i], starts[i] + span, NotifierEvent.UNMAP, true, null);
        }
    }

    /** The peer is filled lazily: only its own benchmark pays for it. */
    private IntervalTree<Integer> peer() {
        if (peer == null) {
            peer = new IntervalTree<>();
            for (int i = 0; i < n; i++) {
                peer.add(new IntegerInterval(i, i + 1, Bounded.CLOSED_LEFT));
            }
        }
        return peer;
    }

    @Benchmark
    public long invalidate() {
        NotifierRange r = ranges[cursor++ & 1023];
        subs.invalidate(r);
        return r.start();
    }

    @Benchmark
    public int lodborgQuery() {
        long s = starts[cursor++ & 1023];
        int first = (int) ((s - BASE) / PAGE);
        int last = (int) ((s - BASE + span) / PAGE);
        return peer().query(new IntegerInterval(first, last, Bounded.CLOSED_LEFT)).size();
    }
}
