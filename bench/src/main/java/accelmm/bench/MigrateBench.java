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

import accelmm.api.hmm.MigrateCopier;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.hmm.PagemapOps;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.DeviceMemory;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;
import accelmm.core.mm.MemoryManagerImpl;

/**
 * 2 MiB of written anonymous memory migrated to device memory and back, per round trip: as one
 * 2 MiB range, or as 512 single-page migrations each way. The peer is a C memcpy of the same sizes
 * ({@code bench/native/memcpy.c}). A migration moves page buffers instead of copying bytes, so
 * {@code range2mWritten} also has the device write one byte of every page before the way back,
 * to show that a write does not bring the copy back.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MigrateBench {
    static final long PAGE = 4096;
    static final int PAGES = 512;
    static final byte[] ONE = {1};

    @Param({"range2m", "pages4k", "range2mWritten"})
    public String shape;

    MemoryManagerImpl memory;
    DeviceMemory vram;
    AddressSpace as;
    long addr;
    final Object owner = new Object();
    MigrateCopier toDevice;
    MigrateCopier toHost;

    @Setup(Level.Trial)
    public void boot() {
        CoreDiagnostics diag = CoreDiagnostics.create();
        memory = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 256L << 20, false);
        vram = memory.createDeviceMemory("vram", 64L << 20);
        memory.registerPagemap(vram, owner, new PagemapOps() {
            @Override
            public boolean migrateToRam(AddressSpace mm, long a) {
                return false;
            }
        });
        MmProcess p = memory.spawn("bench");
        as = p.mm();
        addr = as.mmap(0, PAGES * PAGE, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
        byte[] data = new byte[(int) (PAGES * PAGE)];
        java.util.Arrays.fill(data, (byte) 7);
        as.write(addr, data, 0, data.length);
        toDevice = args -> copy(args, true);
        toHost = args -> copy(args, false);
    }

    private void copy(MigrateVma args, boolean device) {
        for (int i = 0; i < args.pages(); i++) {
            if (MigratePfn.migrate(args.src[i])) {
                args.dst[i] = device ? memory.allocDevicePage(vram) : memory.allocHostPage();
                memory.copyPage(args.src[i], args.dst[i]);
            }
        }
    }

    @Benchmark
    public long roundTrip() {
        if (!shape.equals("pages4k")) {
            MigrateVma there = new MigrateVma(addr, addr + PAGES * PAGE, MigrateVma.SELECT_SYSTEM, owner);
            as.migrateVma(there, toDevice);
            if (shape.equals("range2mWritten")) {
                for (long d : there.dst) {
                    vram.write(MigratePfn.pfn(d) * PAGE, ONE, 0, 1);
                }
            }
            as.migrateVma(new MigrateVma(addr, addr + PAGES * PAGE, MigrateVma.SELECT_DEVICE_PRIVATE, owner), toHost);
        } else {
            for (int i = 0; i < PAGES; i++) {
                long a = addr + i * PAGE;
                as.migrateVma(new MigrateVma(a, a + PAGE, MigrateVma.SELECT_SYSTEM, owner), toDevice);
            }
            for (int i = 0; i < PAGES; i++) {
                long a = addr + i * PAGE;
                as.migrateVma(new MigrateVma(a, a + PAGE, MigrateVma.SELECT_DEVICE_PRIVATE, owner), toHost);
            }
        }
        return addr;
    }
}
