package accelmm.core.gmem;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.PageSize;
import accelmm.api.cost.CostCategory;
import accelmm.api.gmem.GmFaultArgs;
import accelmm.api.gmem.GmFaultHint;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRet;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.VmaInfo;

/**
 * Moves a 2 MiB region between host memory and a device: each private anonymous piece of it is
 * migrated ({@code migrate_vma}) with the device's {@link accelmm.api.gmem.GmMmu#peerMap} or
 * {@link accelmm.api.gmem.GmMmu#peerUnmap} as the copy step. A failed peer call aborts the
 * migration before any CPU mapping changes, so the data stays where it was.
 *
 * <p>Concurrency: thread-safe; the logical state of a region changes inside the migration, under
 * the address space's page-table lock, so it is ordered with every other move of the region.
 */
final class GmMoves {
    /** Unwinds a migration whose peerMap answered MIGRATING: the core gives its pages back. */
    private static final class Overcommitted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Overcommitted() {
            super(null, null, false, false);
        }
    }

    private final GmemImpl gmem;
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    GmMoves(GmemImpl gmem) {
        this.gmem = gmem;
    }

    /** True while this thread runs a GMEM move (its MIGRATE invalidations are not evictions). */
    boolean moving() {
        return depth.get()[0] > 0;
    }

    /**
     * The part of one mapping inside a region.
     *
     * @param stays memory that never migrates (shared, or hugetlb)
     */
    record Piece(long start, long end, int prot, boolean stays) {
    }

    /** Returns the mapped pieces of {@code [start, end)}, one per VMA. */
    static List<Piece> pieces(AddressSpace mm, long start, long end) {
        List<Piece> out = new ArrayList<>();
        for (VmaInfo v : mm.vmas(start, end)) {
            long s = Math.max(v.start(), start);
            long e = Math.min(v.end(), end);
            if (s < e) {
                out.add(new Piece(s, e, v.prot(), v.shared() || v.hugetlb()));
            }
        }
        return out;
    }

    /**
     * Brings a region's host pages onto {@code d}.
     *
     * @return SUCCESS, or MIGRATING if the device's memory is over-committed (nothing moved)
     * @throws accelmm.api.ErrnoException what peerMap throws; nothing moved in that piece
     */
    GmRet toDevice(GmAsImpl as, long region, GmDevImpl d, GmFaultHint hint) {
        return moveIn(as, region, d, hint, MigrateVma.SELECT_SYSTEM, d, "gmem.migrate_to_device");
    }

    /**
     * Moves a region from one device straight to another that can both reach peer memory
     * ({@link accelmm.api.gmem.GmCap#PEER}): one copy, device to device, by the receiver's peerMap.
     *
     * @return SUCCESS, or MIGRATING if the receiver's memory is over-committed (nothing moved)
     * @throws accelmm.api.ErrnoException what peerMap throws; nothing moved in that piece
     */
    GmRet toPeer(GmAsImpl as, long region, GmDevImpl from, GmDevImpl to, GmFaultHint hint) {
        return moveIn(as, region, to, hint, MigrateVma.SELECT_DEVICE_PRIVATE, from, "gmem.peer_transfer");
    }

    /** Migrates the pages of a region that {@code select} and {@code from} collect onto {@code to}. */
    private GmRet moveIn(GmAsImpl as, long region, GmDevImpl to, GmFaultHint hint, int select, GmDevImpl from,
            String counter) {
        AddressSpace mm = as.mm();
        to.device.devicePagemap();
        long moved = 0;
        for (Piece p : pieces(mm, Math.max(region, as.begin()), Math.min(region + GmPage.REGION, as.end()))) {
            if (p.stays()) {
                continue;
            }
            MigrateVma args = new MigrateVma(p.start(), p.end(), select, from.device);
            depth.get()[0]++;
            try {
                mm.migrateVma(args, a -> {
                    boolean copy = false;
                    for (long src : a.src) {
                        copy |= MigratePfn.valid(src) && MigratePfn.migrate(src);
                    }
                    GmRet r = to.mmu.peerMap(new GmFaultArgs(mm, to, a.start, a.end - a.start, p.prot(), copy, a.src, a.dst,
                            hint));
                    if (r == GmRet.MIGRATING) {
                        throw new Overcommitted();
                    }
                    as.markDevice(region, to);
                });
            } catch (Overcommitted e) {
                as.markWillneed(region);
                to.device.count("gmem.migrating", 1);
                return GmRet.MIGRATING;
            } finally {
                depth.get()[0]--;
            }
            moved += args.cpages;
        }
        if (moved > 0) {
            to.device.count(counter, 1);
            to.device.count("gmem.migrate_bytes", moved << PageSize.PAGE_SHIFT);
            to.device.count("move.bytes_to_device", moved << PageSize.PAGE_SHIFT);
            to.device.cost().transfer(as.pid(), CostCategory.TO_DEVICE, moved << PageSize.PAGE_SHIFT);
            as.block(region).entered();
            as.block(region).moved(to.device.cost().nowNanos());
        }
        return GmRet.SUCCESS;
    }

    /**
     * Brings a region of {@code mm} that {@code d} holds back to host memory, through peerUnmap with
     * copy.
     *
     * @param as the GMEM address space whose table records the move, or null (a process without
     *     one, such as a forked child, touched a page it inherited)
     * @return the number of pages moved
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if host memory runs out; what peerUnmap throws
     */
    int toHost(AddressSpace mm, GmAsImpl as, long region, GmDevImpl d) {
        return toHost(mm, as, region, d, CostCategory.TO_HOST);
    }

    /** {@link #toHost(AddressSpace, GmAsImpl, long, GmDevImpl)}, its copies charged as {@code category}. */
    int toHost(AddressSpace mm, GmAsImpl as, long region, GmDevImpl d, CostCategory category) {
        long lo = as == null ? region : Math.max(region, as.begin());
        long hi = as == null ? region + GmPage.REGION : Math.min(region + GmPage.REGION, as.end());
        int moved = 0;
        for (Piece p : pieces(mm, lo, hi)) {
            if (p.stays()) {
                continue;
            }
            MigrateVma args = new MigrateVma(p.start(), p.end(), MigrateVma.SELECT_DEVICE_PRIVATE, d.device);
            depth.get()[0]++;
            try {
                mm.migrateVma(args, a -> {
                    for (int i = 0; i < a.pages(); i++) {
                        if (MigratePfn.migrate(a.src[i])) {
                            a.dst[i] = gmem.memory.allocHostPage();
                        }
                    }
                    d.mmu.peerUnmap(new GmFaultArgs(mm, d, a.start, a.end - a.start, p.prot(), true, a.src, a.dst,
                            GmFaultHint.NONE));
                    if (as != null) {
                        as.markHost(region, d);
                    }
                });
            } finally {
                depth.get()[0]--;
            }
            moved += (int) args.cpages;
        }
        if (as != null) {
            as.markHost(region, d);
        }
        if (moved > 0) {
            d.device.count("gmem.migrate_to_host", 1);
            d.device.count("gmem.migrate_bytes", (long) moved << PageSize.PAGE_SHIFT);
            d.device.count("move.bytes_to_host", (long) moved << PageSize.PAGE_SHIFT);
            d.device.cost().transfer(as == null ? 0 : as.pid(), category, (long) moved << PageSize.PAGE_SHIFT);
            if (as != null) {
                as.block(region).moved(d.device.cost().nowNanos());
            }
        }
        return moved;
    }
}
