package accelmm.core.mm;

import java.util.Arrays;

import accelmm.api.PageSize;
import accelmm.api.hmm.MigrateCopier;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.hmm.MigrateVma;
import accelmm.core.mem.MemoryNode;

/**
 * One {@code migrate_vma} pass over a range inside one mapping: collect ({@code migrate_vma_setup}),
 * the driver's allocate-and-copy, commit ({@code migrate_vma_pages}) and release
 * ({@code migrate_vma_finalize}).
 *
 * <p>Collected: in private anonymous memory only, untouched and zero-page entries (no source: the
 * driver zero-fills), host frames mapped once and not pinned (with {@code SELECT_SYSTEM}), and
 * device-private pages of the caller's pagemap (with {@code SELECT_DEVICE_PRIVATE}). Shared or
 * pinned frames keep their place. A destination the driver leaves at 0 skips its page; a
 * destination that cannot be mapped (no pagemap for its device node) is given back, as
 * {@code migrate_vma_finalize} does for pages that lost a race.
 *
 * <p>Concurrency: runs with the mmap lock held for reading, the page-table lock held, and a
 * {@code MIGRATE} invalidation open, so no CPU fault or device mirror can see a half-migrated range;
 * that is also why no collected entry can change under the copy (the kernel's "lost race" case).
 */
final class Migration {
    private Migration() {
    }

    static void run(Mm mm, Vma v, MigrateVma args, MigrateCopier copier) {
        PageTable pt = mm.pageTable();
        MemoryNode host = mm.hostNode();
        Pagemaps pagemaps = mm.pagemaps();
        collect(mm, v, args);
        Arrays.fill(args.dst, 0);
        boolean[] installed = new boolean[args.pages()];
        long moved = 0;
        Pagemaps.Pagemap pm = null;
        try {
            if (args.cpages > 0) {
                copier.allocAndCopy(args);
            }
            for (int i = 0; i < args.pages(); i++) {
                long d = args.dst[i];
                if (!MigratePfn.migrate(args.src[i]) || !MigratePfn.valid(d)) {
                    continue;
                }
                int entry;
                int nodeId = MigratePfn.node(d);
                if (nodeId == host.id()) {
                    entry = Pte.of(MigratePfn.pfn(d), v.writable());
                } else {
                    if (pm == null || pm.node.id() != nodeId) {
                        pm = pagemaps.ofNode(nodeId);
                    }
                    if (pm == null) {
                        continue;
                    }
                    entry = pm.entry(MigratePfn.pfn(d), v.writable());
                }
                long vpn = (args.start >>> PageSize.PAGE_SHIFT) + i;
                mm.releasePte(pt.get(vpn), vpn);
                pt.set(vpn, entry);
                if (Pte.isDevice(entry)) {
                    pm.mapped(MigratePfn.pfn(d), mm, vpn);
                }
                installed[i] = true;
                moved++;
            }
        } finally {
            mm.counters().add(Counter.MIGRATE_PAGES, moved);
            mm.counters().add(Counter.MIGRATE_BYTES, moved * PageSize.PAGE_SIZE);
            for (int i = 0; i < args.pages(); i++) {
                long d = args.dst[i];
                if (!installed[i] && MigratePfn.valid(d)) {
                    giveBack(host, pagemaps, d);
                }
            }
        }
    }

    private static void collect(Mm mm, Vma v, MigrateVma args) {
        PageTable pt = mm.pageTable();
        MemoryNode host = mm.hostNode();
        long cpages = 0;
        boolean system = (args.flags & MigrateVma.SELECT_SYSTEM) != 0;
        boolean device = (args.flags & MigrateVma.SELECT_DEVICE_PRIVATE) != 0;
        boolean coherent = (args.flags & MigrateVma.SELECT_DEVICE_COHERENT) != 0;
        for (int i = 0; i < args.pages(); i++) {
            long vpn = (args.start >>> PageSize.PAGE_SHIFT) + i;
            int pte = pt.get(vpn);
            long src = 0;
            if (v.privateAnon()) {
                if (Pte.isDevice(pte)) {
                    Pagemaps.Pagemap pm = mm.pagemaps().get(Pte.deviceSlot(pte));
                    src = MigratePfn.of(pm.node.id(), pm.pfnOf(pte)) | MigratePfn.DEVICE
                            | (Pte.writable(pte) ? MigratePfn.WRITE : 0);
                    if ((Pte.isCoherent(pte) ? coherent : device) && pm.owner == args.pgmapOwner) {
                        src |= MigratePfn.MIGRATE;
                    }
                } else if (Pte.isExclusive(pte)) {
                    src = MigratePfn.of(host.id(), Pte.pfn(pte));
                } else if (pte == 0 || Pte.zero(pte)) {
                    src = system ? MigratePfn.MIGRATE : 0;
                } else {
                    long pfn = Pte.pfn(pte);
                    src = MigratePfn.of(host.id(), pfn) | (Pte.writable(pte) ? MigratePfn.WRITE : 0);
                    if (system && host.soleUnpinned(pfn)) {
                        src |= MigratePfn.MIGRATE;
                    }
                }
            }
            args.src[i] = src;
            if (MigratePfn.migrate(src)) {
                cpages++;
            }
        }
        args.cpages = cpages;
    }

    /** Releases a destination page the migration did not map; a freed device page is reported to its owner. */
    private static void giveBack(MemoryNode host, Pagemaps pagemaps, long d) {
        if (MigratePfn.node(d) == host.id()) {
            host.put(MigratePfn.pfn(d));
            return;
        }
        MemoryNode n = pagemaps.node(MigratePfn.node(d));
        Pagemaps.Pagemap pm = pagemaps.ofNode(MigratePfn.node(d));
        if (n != null && n.put(MigratePfn.pfn(d)) && pm != null) {
            pm.ops.pageFree(MigratePfn.pfn(d));
        }
    }
}
