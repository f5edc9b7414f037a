package accelmm.core.mmu;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.Errno;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.mmu.IoPgtableFormat;
import accelmm.api.mmu.IoTlbOps;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.core.fault.FailSite;

/**
 * An io-pgtable with the ARM LPAE layout ({@code drivers/iommu/io-pgtable-arm.c}), stage 1 or
 * stage 2, with the 4 KiB, 16 KiB or 64 KiB granule the page sizes choose: tables of 512, 2048 or
 * 8192 entries; leaves of 4K|2M|1G, 16K|32M or 64K|512M. As the kernel's, the walk has as few
 * levels as the input address size needs, numbered so that the last is level 3 (a 4 KiB table of
 * 32-bit addresses starts at level 1 with a 4-entry table), and a stage-2 walk that would start at
 * level 0 with at most 16 entries starts at level 1 on concatenated tables.
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
    /** {@code ARM_LPAE_MAX_LEVELS}: levels are numbered 0 to 3 whatever the walk's depth. */
    static final int LEVELS = 4;
    /** The sizes a 4 KiB granule allows: 4K, 2M, 1G. */
    public static final long GRANULE_4K_SIZES = (1L << 12) | (1L << 21) | (1L << 30);
    /** The sizes a 16 KiB granule allows: 16K, 32M. */
    public static final long GRANULE_16K_SIZES = (1L << 14) | (1L << 25);
    /** The sizes a 64 KiB granule allows: 64K, 512M. */
    public static final long GRANULE_64K_SIZES = (1L << 16) | (1L << 29);
    /** {@code ARM_LPAE_S2_MAX_CONCAT_PAGES}: the most tables a stage-2 start level concatenates. */
    static final int S2_MAX_CONCAT = 16;

    /** One table of the walk. */
    static final class Table {
        final long[] pte;
        final Table[] next;
        int used;

        Table(int entries) {
            pte = new long[entries];
            next = new Table[entries];
        }
    }

    private final IoPgtableFormat format;
    private final long pgsizeBitmap;
    private final int ias;
    private final int oas;
    private final IoTlbOps tlb;
    private final FailSite failSite;
    private final long granule;
    /** Bits of index per table below the start level ({@code bits_per_level}). */
    private final int bpl;
    private final int startLevel;
    /** Bits of index of the start level's table ({@code pgd_bits}). */
    private final int pgdBits;
    private final Table root;
    /** Per level, the shift of the address bits that index it ({@code ARM_LPAE_LVL_SHIFT}) and their mask. */
    private final int[] shifts = new int[LEVELS];
    private final int[] masks = new int[LEVELS];
    /** The tables of the walk {@link #unmapOne} is on; under the table's lock. */
    private final Table[] path = new Table[LEVELS];
    private long tables = 1;

    /**
     * Creates an empty stage-1 table.
     *
     * @throws accelmm.api.ErrnoException as {@link #LpaePgtable(IoPgtableFormat, long, int, int, IoTlbOps, FailSite)}
     */
    public LpaePgtable(long pgsizeBitmap, int ias, int oas, IoTlbOps tlb, FailSite failSite) {
        this(IoPgtableFormat.ARM_64_LPAE_S1, pgsizeBitmap, ias, oas, tlb, failSite);
    }

    /**
     * Creates an empty table ({@code alloc_io_pgtable_ops}). The granule is 4 KiB if the bitmap has
     * it, else its smallest size; the bitmap is then cut to what that granule allows, as
     * {@code arm_lpae_restrict_pgsizes} does.
     *
     * @param pgsizeBitmap the page sizes asked for
     * @param ias input address bits, 32..48
     * @param oas output address bits, 32..48
     * @param tlb the driver's TLB maintenance
     * @param failSite fault site of table allocation, or null
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bitmap left without a granule size, an
     *     address size out of range, or no TLB operations
     */
    public LpaePgtable(IoPgtableFormat format, long pgsizeBitmap, int ias, int oas, IoTlbOps tlb, FailSite failSite) {
        long granule = (pgsizeBitmap & (1L << 12)) != 0 ? 1L << 12 : Long.lowestOneBit(pgsizeBitmap & ~0xfffL);
        long sizes = granule == 1L << 12 ? GRANULE_4K_SIZES : granule == 1L << 14 ? GRANULE_16K_SIZES
                : granule == 1L << 16 ? GRANULE_64K_SIZES : 0;
        long restricted = pgsizeBitmap & sizes;
        if (format == null || (restricted & granule) == 0 || ias < 32 || ias > 48 || oas < 32 || oas > 48 || tlb == null) {
            throw Errno.EINVAL.exception("page sizes 0x" + Long.toHexString(pgsizeBitmap) + ", ias " + ias + ", oas " + oas
                    + (format == null ? ", no format" : ""));
        }
        this.format = format;
        this.pgsizeBitmap = restricted;
        this.ias = ias;
        this.oas = oas;
        this.tlb = tlb;
        this.failSite = failSite;
        this.granule = granule;
        int pgShift = Long.numberOfTrailingZeros(granule);
        this.bpl = pgShift - 3;
        int vaBits = ias - pgShift;
        int levels = (vaBits + bpl - 1) / bpl;
        int start = LEVELS - levels;
        int pgd = vaBits - bpl * (levels - 1);
        if (format == IoPgtableFormat.ARM_64_LPAE_S2 && start == 0 && (1 << pgd) <= S2_MAX_CONCAT) {
            pgd += bpl;
            start++;
        }
        this.startLevel = start;
        this.pgdBits = pgd;
        for (int l = 0; l < LEVELS; l++) {
            shifts[l] = (LEVELS - l) * bpl + 3;
            masks[l] = (1 << (l == start ? pgd : bpl)) - 1;
        }
        this.root = new Table(1 << pgd);
    }

    @Override
    public long pgsizeBitmap() {
        return pgsizeBitmap;
    }

    /** Returns the format. */
    public IoPgtableFormat format() {
        return format;
    }

    /** Returns the granule: the smallest page size and the size of a table below the start level. */
    public long granule() {
        return granule;
    }

    /** Returns the level the walk starts at (0 to 3; the last level is 3). */
    public int startLevel() {
        return startLevel;
    }

    /** Returns the entries of the start level's table (more than a table's for concatenated stage-2 tables). */
    public int startEntries() {
        return 1 << pgdBits;
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
    private long levelSize(int level) {
        return 1L << shifts[level];
    }

    private int index(long iova, int level) {
        return (int) (iova >>> shifts[level]) & masks[level];
    }

    /** The level whose entries are {@code pgsize} bytes. */
    private int leafLevel(long pgsize) {
        return LEVELS - (Long.numberOfTrailingZeros(pgsize) - 3) / bpl;
    }

    /** A new table below the start level. */
    private Table newTable() {
        return new Table(1 << bpl);
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
        for (int l = startLevel; l < level; l++) {
            int i = index(iova, l);
            long e = t.pte[i];
            if ((e & LEAF) != 0) {
                throw Errno.EEXIST.exception(String.format("0x%x is inside a mapped block", iova));
            }
            if ((e & VALID) == 0) {
                if (failSite != null && failSite.shouldFail()) {
                    throw Errno.ENOMEM.exception("page table allocation failed");
                }
                t.next[i] = newTable();
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
            tlb.flushWalk(iova, levelSize(level), granule);
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
        for (int l = startLevel; l < level; l++) {
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
            tlb.flushWalk(iova, size, granule);
            tables -= countTables(t.next[i]);
            t.next[i] = null;
        }
        t.pte[i] = 0;
        t.used--;
        for (int l = level - 1; l >= startLevel && t.used == 0; l--) {
            Table parent = path[l];
            int pi = index(iova, l);
            tlb.flushWalk(iova & ~(levelSize(l) - 1), levelSize(l), granule);
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
        for (int l = startLevel; l < LEVELS; l++) {
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
        for (int l = startLevel; l < LEVELS && t != null; l++) {
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
        visit(root, startLevel, 0, visitor);
    }

    private void visit(Table t, int level, long base, LeafVisitor visitor) {
        for (int i = 0; i < t.pte.length; i++) {
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
