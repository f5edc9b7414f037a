package accelmm.core.mmu;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mmu.GnaMmu;
import accelmm.core.fault.FailSite;

/**
 * {@link GnaMmu}: the page tables are {@code int[1024]} arrays; the page directory holds each
 * table's (simulated) DMA frame number, the tables' frames being numbered from
 * {@code tableBasePfn}, and {@link GnaMmu#PGDIR_INVALID} for the rest.
 *
 * <p>Concurrency: every call synchronizes on the MMU.
 */
public final class GnaFlatMmu implements GnaMmu {
    private final int[][] tables;
    private final int[] pagedir = new int[PGDIRN_LEN];
    private int filledPts;
    private int filledPages;
    private long vamaxaddr;

    /**
     * Allocates the directory and {@code numPagetables} tables ({@code gna_mmu_alloc} + init).
     *
     * @param tableBasePfn the frame number of the first table, for the directory entries
     * @throws accelmm.api.ErrnoException {@code EINVAL} for more than 64 tables or fewer than 1;
     *     {@code ENOMEM} if a table cannot be allocated (nothing stays allocated)
     */
    public GnaFlatMmu(int numPagetables, long tableBasePfn, FailSite failSite) {
        if (numPagetables < 1 || numPagetables > PGDIRN_LEN) {
            throw Errno.EINVAL.exception(numPagetables + " page tables; 1.." + PGDIRN_LEN + " allowed");
        }
        int[][] t = new int[numPagetables][];
        for (int i = 0; i < numPagetables; i++) {
            if (failSite != null && failSite.shouldFail()) {
                throw Errno.ENOMEM.exception("GNA page table " + i + " could not be allocated");
            }
            t[i] = new int[PT_LENGTH];
        }
        this.tables = t;
        for (int i = 0; i < PGDIRN_LEN; i++) {
            pagedir[i] = i < numPagetables ? (int) (tableBasePfn + i) : PGDIR_INVALID;
        }
    }

    @Override
    public int numPagetables() {
        return tables.length;
    }

    @Override
    public synchronized void add(long[] pfns) {
        if (pfns.length == 0) {
            return;
        }
        int i = filledPts;
        int j = filledPages;
        for (long pfn : pfns) {
            if (j == PT_LENGTH) {
                i++;
                j = 0;
            }
            if (i >= tables.length) {
                break;
            }
            tables[i][j++] = (int) pfn;
        }
        if (i >= tables.length) {
            i = tables.length - 1;
            j = PT_LENGTH;
        }
        if (j == PT_LENGTH && i + 1 < tables.length) {
            i++;
            j = 0;
        }
        filledPts = i;
        filledPages = j;
        vamaxaddr = (long) filledPts * PageSize.PAGE_SIZE * PT_LENGTH + (long) filledPages * PageSize.PAGE_SIZE - 1;
    }

    @Override
    public synchronized void clear() {
        for (int i = 0; i <= Math.min(filledPts, tables.length - 1); i++) {
            java.util.Arrays.fill(tables[i], 0, i < filledPts ? PT_LENGTH : filledPages, 0);
        }
        filledPts = 0;
        filledPages = 0;
        vamaxaddr = 0;
    }

    @Override
    public synchronized long vamaxaddr() {
        return vamaxaddr;
    }

    @Override
    public synchronized long translate(long va) {
        if (va < 0 || va > vamaxaddr || (filledPts == 0 && filledPages == 0)) {
            return -1;
        }
        long page = va >>> PageSize.PAGE_SHIFT;
        int t = (int) (page / PT_LENGTH);
        int e = (int) (page % PT_LENGTH);
        if (t >= tables.length) {
            return -1;
        }
        return ((long) tables[t][e] << PageSize.PAGE_SHIFT) | (va & (PageSize.PAGE_SIZE - 1));
    }

    /** Returns the raw entry {@code index} of table {@code table} (tests). */
    synchronized int entry(int table, int index) {
        return tables[table][index];
    }

    @Override
    public synchronized int[] pageDirectory() {
        return pagedir.clone();
    }
}
