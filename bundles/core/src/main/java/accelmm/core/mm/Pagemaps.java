package accelmm.core.mm;

import java.util.concurrent.atomic.AtomicLong;

import accelmm.api.Errno;
import accelmm.api.hmm.DevicePagemap;
import accelmm.api.hmm.PagemapOps;
import accelmm.core.mem.MemoryNode;

/**
 * The registered device-private pagemaps, by slot (1-15, the slot a device-private PTE names).
 *
 * <p>Concurrency: registration and removal are synchronized; lookups take no lock (the slots are an
 * atomic array).
 */
final class Pagemaps {
    /** One registered pagemap. */
    final class Pagemap implements DevicePagemap {
        final int slot;
        final MemoryNode node;
        final Object owner;
        final PagemapOps ops;
        final AtomicLong mapped = new AtomicLong();
        /**
         * Where each device page is mapped. The usual single mapping sits in per-frame arrays
         * ({@link #soleMm}, {@link #soleVpn}); pages mapped more than once (after fork) keep their
         * mappings in {@link #shared}.
         */
        private final Mm[] soleMm;
        private final long[] soleVpn;
        private final java.util.Map<Long, java.util.List<Mapping>> shared = new java.util.HashMap<>();

        Pagemap(int slot, MemoryNode node, Object owner, PagemapOps ops) {
            this.slot = slot;
            this.node = node;
            this.owner = owner;
            this.ops = ops;
            this.soleMm = new Mm[(int) node.frames()];
            this.soleVpn = new long[(int) node.frames()];
        }

        @Override
        public int node() {
            return node.id();
        }

        @Override
        public Object owner() {
            return owner;
        }

        @Override
        public void unregister() {
            remove(this);
        }

        /** Records that {@code mm} maps device page {@code pfn} at {@code vpn} (the PTE holds a reference). */
        synchronized void mapped(long pfn, Mm mm, long vpn) {
            mapped.incrementAndGet();
            int i = (int) pfn;
            java.util.List<Mapping> more = shared.isEmpty() ? null : shared.get(pfn);
            if (more != null) {
                more.add(new Mapping(mm, vpn));
            } else if (soleMm[i] == null) {
                soleMm[i] = mm;
                soleVpn[i] = vpn;
            } else {
                more = new java.util.ArrayList<>(4);
                more.add(new Mapping(soleMm[i], soleVpn[i]));
                more.add(new Mapping(mm, vpn));
                shared.put(pfn, more);
                soleMm[i] = null;
            }
        }

        /** Records that a mapping moved (mremap). */
        synchronized void moved(long pfn, Mm mm, long fromVpn, long toVpn) {
            int i = (int) pfn;
            if (soleMm[i] == mm && soleVpn[i] == fromVpn) {
                soleVpn[i] = toVpn;
                return;
            }
            java.util.List<Mapping> list = shared.get(pfn);
            if (list != null && list.remove(new Mapping(mm, fromVpn))) {
                list.add(new Mapping(mm, toVpn));
            }
        }

        /** Drops the reference the PTE at (mm, vpn) held; the last one frees the page and tells the driver. */
        void unmapped(long pfn, Mm mm, long vpn) {
            synchronized (this) {
                int i = (int) pfn;
                if (soleMm[i] == mm && soleVpn[i] == vpn) {
                    soleMm[i] = null;
                } else {
                    java.util.List<Mapping> list = shared.get(pfn);
                    if (list != null) {
                        list.remove(new Mapping(mm, vpn));
                        if (list.isEmpty()) {
                            shared.remove(pfn);
                        }
                    }
                }
            }
            mapped.decrementAndGet();
            if (node.put(pfn)) {
                ops.pageFree(pfn);
            }
        }

        private synchronized java.util.List<Mapping> mappingsOf(long pfn) {
            if (soleMm[(int) pfn] != null) {
                return java.util.List.of(new Mapping(soleMm[(int) pfn], soleVpn[(int) pfn]));
            }
            java.util.List<Mapping> list = shared.get(pfn);
            return list == null ? java.util.List.of() : new java.util.ArrayList<>(list);
        }

        @Override
        public int evict(long firstPfn, long count) {
            if (firstPfn < 0 || count < 0) {
                throw Errno.EINVAL.exception("negative eviction range");
            }
            MemoryNode host = nodes.apply(0);
            int evicted = 0;
            for (long pfn = firstPfn; pfn < firstPfn + count && pfn < node.frames(); pfn++) {
                java.util.List<Mapping> maps = mappingsOf(pfn);
                if (maps.isEmpty()) {
                    continue;
                }
                // The eviction holds the copy's first reference until every mapping took its own:
                // one that took it may unmap it meanwhile.
                long copy = host.allocFrame();
                boolean taken = false;
                for (Mapping m : maps) {
                    taken |= m.mm.evictEntry(this, pfn, m.vpn, copy, taken);
                }
                host.put(copy);
                if (taken) {
                    evicted++;
                }
            }
            return evicted;
        }
    }

    /** One CPU mapping of a device page. */
    record Mapping(Mm mm, long vpn) {
    }

    private final java.util.concurrent.atomic.AtomicReferenceArray<Pagemap> bySlot =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(16);
    private final java.util.function.IntFunction<MemoryNode> nodes;

    /** Creates the table; {@code nodes} finds a memory node by id (null if there is none). */
    Pagemaps(java.util.function.IntFunction<MemoryNode> nodes) {
        this.nodes = nodes;
    }

    /** Returns the memory node with {@code id}, or null. */
    MemoryNode node(int id) {
        return nodes.apply(id);
    }

    synchronized Pagemap register(MemoryNode node, Object owner, PagemapOps ops) {
        if (owner == null || ops == null) {
            throw Errno.EINVAL.exception("a pagemap needs an owner and ops");
        }
        int free = -1;
        for (int s = 1; s < bySlot.length(); s++) {
            Pagemap at = bySlot.get(s);
            if (at != null && at.node == node) {
                throw Errno.EEXIST.exception(node.name() + " already has a pagemap");
            }
            if (at == null && free < 0) {
                free = s;
            }
        }
        if (free < 0) {
            throw Errno.ENOSPC.exception("every pagemap slot is taken");
        }
        Pagemap p = new Pagemap(free, node, owner, ops);
        bySlot.set(free, p);
        return p;
    }

    synchronized void remove(Pagemap p) {
        if (bySlot.get(p.slot) != p) {
            return;
        }
        if (p.mapped.get() > 0) {
            throw Errno.EBUSY.exception(p.mapped.get() + " pages of " + p.node.name() + " are still mapped");
        }
        bySlot.set(p.slot, null);
    }

    Pagemap get(int slot) {
        Pagemap p = slot > 0 && slot < bySlot.length() ? bySlot.get(slot) : null;
        if (p == null) {
            throw new IllegalStateException("no pagemap in slot " + slot);
        }
        return p;
    }

    /** Returns the pagemap of a node, or null. */
    Pagemap ofNode(int nodeId) {
        for (int s = 1; s < bySlot.length(); s++) {
            Pagemap p = bySlot.get(s);
            if (p != null && p.node.id() == nodeId) {
                return p;
            }
        }
        return null;
    }
}
