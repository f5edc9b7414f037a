package accelmm.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import accelmm.api.mmu.IoTlbOps;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.core.diag.Warnings;
import accelmm.core.idr.IdrImpl;
import accelmm.core.mmu.LpaePgtable;

/**
 * The device page table at one million pages: random translation of 4 KiB pages and of 2 MiB
 * blocks, and a map + unmap of one page next to an XArray store + erase at the same density.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PageTableBench {
    static final int PAGES = 1 << 20;
    static final long SZ_4K = 1L << 12;
    static final long SZ_2M = 1L << 21;
    static final int RW = IommuProt.READ | IommuProt.WRITE;
    static final IoTlbOps NO_TLB = new IoTlbOps() {
        @Override
        public void flushAll() {
        }

        @Override
        public void flushWalk(long iova, long size, long granule) {
        }
    };
    static final Object VALUE = new Object();

    LpaePgtable dense4k;
    LpaePgtable blocks2m;
    LpaePgtable even4k;
    IdrImpl<Object> evenIds;
    int[] order;
    int cursor;

    @Setup(Level.Trial)
    public void fill() {
        dense4k = new LpaePgtable(LpaePgtable.GRANULE_4K_SIZES, 48, 48, NO_TLB, null);
        dense4k.mapPages(0, 1L << 40, SZ_4K, PAGES, RW);
        blocks2m = new LpaePgtable(LpaePgtable.GRANULE_4K_SIZES, 48, 48, NO_TLB, null);
        blocks2m.mapPages(0, 1L << 40, SZ_2M, PAGES / 512, RW);
        even4k = new LpaePgtable(LpaePgtable.GRANULE_4K_SIZES, 48, 48, NO_TLB, null);
        evenIds = new IdrImpl<>(0, null, new Warnings());
        for (int i = 0; i < PAGES; i++) {
            even4k.mapPages(2L * i * SZ_4K, 2L * i * SZ_4K, SZ_4K, 1, RW);
            evenIds.allocU32(VALUE, 2L * i, 2L * i);
        }
        order = IdrBench.shuffled(PAGES, 7);
    }

    private int next() {
        int i = order[cursor];
        cursor = (cursor + 1) & (PAGES - 1);
        return i;
    }

    @Benchmark
    public long translate4k() {
        return dense4k.iovaToPhys((long) next() * SZ_4K + 123);
    }

    @Benchmark
    public long translate2m() {
        return blocks2m.iovaToPhys((long) next() * SZ_4K + 123);
    }

    @Benchmark
    public long mapUnmap4k() {
        long iova = (2L * next() + 1) * SZ_4K;
        even4k.mapPages(iova, iova, SZ_4K, 1, RW);
        return even4k.unmapPages(iova, SZ_4K, 1, new IotlbGather());
    }

    @Benchmark
    public Object xaStoreErase() {
        long index = 2L * next() + 1;
        evenIds.allocU32(VALUE, index, index);
        return evenIds.remove(index);
    }
}
