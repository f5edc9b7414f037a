package accelmm.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;
import accelmm.core.mm.MemoryManagerImpl;

/**
 * CPU page faults on 4 KiB pages of fresh anonymous memory (huge pages off), per fault: metadata
 * only ({@code MADV_POPULATE_WRITE}: a frame and a PTE), and with zero-fill (a one-byte write, so
 * the page gets bytes); the peer is one {@code ConcurrentHashMap.put} of a new key.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FaultBench {
    static final int PAGES = 4096;
    static final long PAGE = 4096;
    private static final byte[] ONE = {1};

    MemoryManagerImpl memory;
    MmProcess proc;
    long addr;
    ConcurrentHashMap<Integer, Object> map;

    @Setup(Level.Trial)
    public void boot() {
        CoreDiagnostics diag = CoreDiagnostics.create();
        memory = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 1L << 30, false);
        proc = memory.spawn("bench");
    }

    @Setup(Level.Invocation)
    public void map() {
        addr = proc.mm().mmap(0, PAGES * PAGE, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        map = new ConcurrentHashMap<>();
    }

    @TearDown(Level.Invocation)
    public void unmap() {
        proc.mm().munmap(addr, PAGES * PAGE);
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long faultMetadata() {
        for (int i = 0; i < PAGES; i++) {
            proc.mm().populate(addr + i * PAGE, PAGE, true);
        }
        return addr;
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long faultZeroFill() {
        for (int i = 0; i < PAGES; i++) {
            proc.mm().write(addr + i * PAGE, ONE, 0, 1);
        }
        return addr;
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public Object chmPut() {
        for (int i = 0; i < PAGES; i++) {
            map.put(i, ONE);
        }
        return map;
    }
}
