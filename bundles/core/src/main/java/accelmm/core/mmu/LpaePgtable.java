package accelmm.core.mmu;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.Errno;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.mmu.IoTlbOps;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.core.fault.FailSite;

/**
 * An io-pgtable with the ARM LPAE layout and a 4 KiB granule: four levels of 512-entry tables;
 * level 3 holds 4 KiB pages, level 2 may hold 2 MiB blocks, level 1 1 GiB blocks
 * ({@code drivers/iommu/io-pgtable-arm.c}).
 *
 * <p>Entries are longs: {@link #VALID}, {@link #LEAF} for pages and blocks, the protection in bits
 * 2-5 and the output address from bit 12. A table entry is a valid non-leaf entry whose next-level
 * table sits in the parallel {@code next} array.
 *
 * <p>One deliberate difference from the kernel: mapping a block over a next-level table frees the
 * table only if it maps nothing; over live translations it is {@code EEXIST}, so a translation is
 * never replaced silently.
 *
 * <p>Concurrency: every call synchronizes on the table.
 */
public final class LpaePgtable implements IoPgtable {
    static final long VALID = 1;
    static final long LEAF = 1 << 1;
    static final int PROT_SHIFT = 2;
    static final long ADDR_MASK = ~0xfffL;
    static final int ENTRIES = 512;
    static final int LEVELS = 4;
    /** The sizes a 4 KiB granule allows: 4K, 2M, 1G. */
    public static final long GRANULE_4K_SIZES = (1L << 12) | (1L << 21) | (1L << 30);

    /** One table of the walk. */
    static final class Table {
        final long[] pte = new long[ENTRIES];
        final Table[] next = new Table[ENTRIES];
        int used;
    }

    private final long pgsizeBitmap;
    private final int ias;
    private final int oas;
    private final IoTlbOps tlb;
    private final FailSite failSite;
    private final Table root = new Table();
    /** The tables of the walk {@link #unmapOne} is on; under the table's lock. */
    private final Table[] path = new Table[LEVELS];
    private long tables = 1;

    /**
     * Creates an empty table.
     *
     * @param pgsizeBitmap the page sizes to allow; a non-empty subset of 4K|2M|1G
     * @param ias input address bits, 32..48
     * @param oas output address bits, 32..48
     * @param tlb the driver's TLB maintenance
     * @param failSite fault site of table allocation, or null
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad bitmap or address size
     */
    public LpaePgtable(long pgsizeBitmap, int ias, int oas, IoTlbOps tlb, FailSite failSite) {
        if (pgsizeBitmap == 0 || (pgsizeBitmap & ~GRANULE_4K_SIZES) != 0 || ias < 32 || ias > 48 || oas < 32 || oas > 48
                || tlb == null) {
            throw Errno.EINVAL.exception("page sizes 0x" + Long.toHexString(pgsizeBitmap) + ", ias " + ias + ", oas " + oas);
        }
        this.pgsizeBitmap = pgsizeBitmap;
        this.ias = ias;
        this.oas = oas;
        this.tlb = tlb;
        this.failSite = failSite;
    }

    @Override
    public long pgsizeBitmap() {
        return pgsizeBitmap;
    }

    @Override
    public int ias() {
        return ias;
    }

    @Override
    public int oas() {
        return oas;
    }

    /** The bytes one entry of {@code level} covers. */
    static long levelSize(int level) {
        return 1L << (12 + 9 * (LEVELS - 1 - level));
    }

    static int index(long iova, int level) {
        return (int) (iova >>> (12 + 9 * (LEVELS - 1 - level))) & (ENTRIES - 1);
    }

    /** The level whose entries are {@code pgsize} bytes. */
    private static int leafLevel(long pgsize) {
        return LEVELS - 1 - (Long.numberOfTrailingZeros(pgsize) - 12) / 9;
    }

    private void checkSize(long iova, long paddr, long pgsize, long pgcount) {
        if (Long.bitCount(pgsize) != 1 || (pgsizeBitmap & pgsize) == 0) {
            throw Errno.EINVAL.exception("page size 0x" + Long.toHexString(pgsize) + " is not one of 0x" + Long.toHexString(pgsizeBitmap));
        }
        if (pgcount < 1 || ((iova | paddr) & (pgsize - 1)) != 0) {
            throw Errno.EINVAL.exception("count " + pgcount + " or addresses not aligned to 0x" + Long.toHexString(pgsize));
        }
    }

    private static boolean beyond(long addr, long pgsize, long pgcount, int bits) {
        long limit = 1L << bits;
        return addr < 0 || addr >= limit || pgcount > (limit - addr) / pgsize;
    }

    @Override
    public synchronized long mapPages(long iova, long paddr, long pgsize, long pgcount, int prot) {
        checkSize(iova, paddr, pgsize, pgcount);
        if (beyond(iova, pgsize, pgcount, ias) || beyond(paddr, pgsize, pgcount, oas)) {
            throw Errno.ERANGE.exception(String.format("iova 0x%x or paddr 0x%x + %d x 0x%x is out of range", iova, paddr, pgcount, pgsize));
        }
        if ((prot & (IommuProt.READ | IommuProt.WRITE)) == 0) {
            return 0;
        }
        int level = leafLevel(pgsize);
        long done = 0;
        try {
            for (; done < pgcount; done++) {
                mapOne(iova + done * pgsize, paddr + done * pgsize, level, prot);
            }
        } catch (RuntimeException e) {
            for (long i = 0; i < done; i++) {
                unmapOne(iova + i * pgsize, level, new IotlbGather());
            }
            throw e;
        }
        return pgsize * pgcount;
    }

    private void mapOne(long iova, long paddr, int level, int prot) {
        Table t = root;
        for (int l = 0; l < level; l++) {
            int i = index(iova, l);
            long e = t.pte[i];
            if ((e & LEAF) != 0) {
                throw Errno.EEXIST.exception(String.format("0x%x is inside a mapped block", iova));
            }
            if ((e & VALID) == 0) {
                if (failSite != null && failSite.shouldFail()) {
                    throw Errno.ENOMEM.exception("page table allocation failed");
                }
                t.next[i] = new Table();
                t.pte[i] = VALID;
                t.used++;
                tables++;
            }
            t = t.next[i];
        }
        int i = index(iova, level);
        long e = t.pte[i];
        if ((e & LEAF) != 0) {
            throw Errno.EEXIST.exception(String.format("0x%x is mapped already", iova));
        }
        if ((e & VALID) != 0) {
            if (t.next[i].used != 0) {
                throw Errno.EEXIST.exception(String.format("0x%x has smaller mappings under it", iova));
            }
            tlb.flushWalk(iova, levelSize(level), 4096);
            t.next[i] = null;
            t.used--;
            tables--;
        }
        t.pte[i] = (paddr & ADDR_MASK) | ((long) (prot & 0xf) << PROT_SHIFT) | LEAF | VALID;
        t.used++;
    }

    @Override
    public synchronized long unmapPages(long iova, long pgsize, long pgcount, IotlbGather gather) {
        checkSize(iova, 0, pgsize, pgcount);
        if (beyond(iova, pgsize, pgcount, ias)) {
            return 0;
        }
        int level = leafLevel(pgsize);
        long done = 0;
        for (; done < pgcount; done++) {
            if (!unmapOne(iova + done * pgsize, level, gather)) {
                break;
            }
        }
        return done * pgsize;
    }

    /** Unmaps the entry of {@code iova} at {@code level}; false if it is not mapped at that size. */
    private boolean unmapOne(long iova, int level, IotlbGather gather) {
        Table t = root;
        for (int l = 0; l < level; l++) {
            path[l] = t;
            long e = t.pte[index(iova, l)];
            if ((e & VALID) == 0 || (e & LEAF) != 0) {
                return false;
            }
            t = t.next[index(iova, l)];
        }
        int i = index(iova, level);
        long e = t.pte[i];
        if ((e & VALID) == 0) {
            return false;
        }
        long size = levelSize(level);
        if ((e & LEAF) != 0) {
            tlb.addPage(gather, iova, size);
        } else {
            tlb.flushWalk(iova, size, 4096);
            tables -= countTables(t.next[i]);
            t.next[i] = null;
        }
        t.pte[i] = 0;
        t.used--;
        for (int l = level - 1; l >= 0 && t.used == 0; l--) {
            Table parent = path[l];
            int pi = index(iova, l);
            tlb.flushWalk(iova & ~(levelSize(l) - 1), levelSize(l), 4096);
            parent.pte[pi] = 0;
            parent.next[pi] = null;
            parent.used--;
            tables--;
            t = parent;
        }
        return true;
    }

    private static long countTables(Table t) {
        long n = 1;
        for (Table child : t.next) {
            if (child != null) {
                n += countTables(child);
            }
        }
        return n;
    }

    @Override
    public synchronized long iovaToPhys(long iova) {
        if (iova < 0 || iova >= (1L << ias)) {
            return 0;
        }
        Table t = root;
        for (int l = 0; l < LEVELS; l++) {
            long e = t.pte[index(iova, l)];
            if ((e & VALID) == 0) {
                return 0;
            }
            if ((e & LEAF) != 0) {
                return (e & ADDR_MASK & ((1L << oas) - 1)) + (iova & (levelSize(l) - 1));
            }
            t = t.next[index(iova, l)];
        }
        return 0;
    }

    @Override
    public synchronized List<String> walk(long iova) {
        List<String> lines = new ArrayList<>();
        Table t = root;
        for (int l = 0; l < LEVELS && t != null; l++) {
            int i = index(iova, l);
            long e = t.pte[i];
            String what = (e & VALID) == 0 ? "invalid" : (e & LEAF) != 0
                    ? String.format("%s -> 0x%x prot %d", l == LEVELS - 1 ? "page" : "block", e & ADDR_MASK, (e >>> PROT_SHIFT) & 0xf)
                    : "table";
            lines.add(String.format("L%d[%3d] %016x %s", l, i, e, what));
            if ((e & VALID) == 0 || (e & LEAF) != 0) {
                break;
            }
            t = t.next[i];
        }
        return lines;
    }

    @Override
    public synchronized void forEachLeaf(LeafVisitor visitor) {
        visit(root, 0, 0, visitor);
    }

    private static void visit(Table t, int level, long base, LeafVisitor visitor) {
        for (int i = 0; i < ENTRIES; i++) {
            long e = t.pte[i];
            if ((e & VALID) == 0) {
                continue;
            }
            long iova = base + i * levelSize(level);
            if ((e & LEAF) != 0) {
                visitor.leaf(iova, e & ADDR_MASK, levelSize(level), (int) (e >>> PROT_SHIFT) & 0xf);
            } else if (t.next[i] != null) {
                visit(t.next[i], level + 1, iova, visitor);
            }
        }
    }

    /** Returns the number of tables (footprint and leak checks). */
    public synchronized long tables() {
        return tables;
    }
}
