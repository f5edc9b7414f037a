package accelmm.core.mm;

import java.util.concurrent.atomic.AtomicLong;

import accelmm.api.Errno;
import accelmm.api.hmm.DevicePagemap;
import accelmm.api.hmm.PagemapOps;
import accelmm.core.mem.MemoryNode;

/**
 * The registered device-private pagemaps, by slot (1-15, the slot a device-private PTE names); a
 * pagemap takes one slot per 64 GiB of its node, in a row.
 *
 * <p>Concurrency: registration and removal are synchronized; lookups take no lock (the slots are an
 * atomic array).
 */
final class Pagemaps {
    /** One registered pagemap. */
    final class Pagemap implements DevicePagemap {
        /** The first of the slots the pagemap takes, one per 64 GiB of its node. */
        final int slot;
        final int slots;
        final MemoryNode node;
        final Object owner;
        final PagemapOps ops;
        /** Device-coherent memory: its entries are present for the CPU. */
        final boolean coherent;
        final AtomicLong mapped = new AtomicLong();
        /**
         * Where each device page is mapped. The usual single mapping sits in per-frame arrays
         * ({@link #soleMm}, {@link #soleVpn}); pages mapped more than once (after fork) keep their
         * mappings in {@link #shared}.
         */
        private final accelmm.core.mem.SparseRefs<Mm> sole;
        private final java.util.Map<Long, java.util.List<Mapping>> shared = new java.util.HashMap<>();

        Pagemap(int slot, int slots, MemoryNode node, Object owner, PagemapOps ops, boolean coherent) {
            this.coherent = coherent;
            this.slot = slot;
            this.slots = slots;
            this.node = node;
            this.owner = owner;
            this.ops = ops;
            this.sole = new accelmm.core.mem.SparseRefs<>(node.frames());
        }

        /** The entry for frame {@code pfn} of the node: device-private, or present if coherent. */
        int entry(long pfn, boolean writable) {
            int e = Pte.device(slot + (int) (pfn >>> Pte.DEVICE_PFN_BITS), pfn & Pte.DEVICE_PFN_MASK, writable);
            return coherent ? e | Pte.PRESENT : e;
        }

        @Override
        public boolean coherent() {
            return coherent;
        }

        /** The node's frame a device-private entry of this pagemap names. */
        long pfnOf(int pte) {
            return ((long) (Pte.deviceSlot(pte) - slot) << Pte.DEVICE_PFN_BITS) | Pte.devicePfn(pte);
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
            java.util.List<Mapping> more = shared.isEmpty() ? null : shared.get(pfn);
            if (more != null) {
                more.add(new Mapping(mm, vpn));
            } else if (sole.ref(pfn) == null) {
                sole.set(pfn, mm, vpn);
            } else {
                more = new java.util.ArrayList<>(4);
                more.add(new Mapping(sole.ref(pfn), sole.value(pfn)));
                more.add(new Mapping(mm, vpn));
                shared.put(pfn, more);
                sole.set(pfn, null, 0);
            }
        }

        /** Records that a mapping moved (mremap). */
        synchronized void moved(long pfn, Mm mm, long fromVpn, long toVpn) {
            if (sole.ref(pfn) == mm && sole.value(pfn) == fromVpn) {
                sole.set(pfn, mm, toVpn);
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
                if (sole.ref(pfn) == mm && sole.value(pfn) == vpn) {
                    sole.set(pfn, null, 0);
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

        @Override
        public int evict(long firstPfn, long count) {
            if (firstPfn < 0 || count < 0) {
                throw Errno.EINVAL.exception("negative eviction range");
            }
            MemoryNode host = nodes.apply(0);
            int evicted = 0;
            for (long pfn = firstPfn; pfn < firstPfn + count && pfn < node.frames(); pfn++) {
                Mm soleMm;
                long soleVpn;
                java.util.List<Mapping> maps = null;
                synchronized (this) {
                    soleMm = sole.ref(pfn);
                    soleVpn = sole.value(pfn);
                    if (soleMm == null) {
                        java.util.List<Mapping> list = shared.get(pfn);
                        if (list == null) {
                            continue;
                        }
                        maps = new java.util.ArrayList<>(list);
                    }
                }
                // The eviction holds the copy's first reference until every mapping took its own:
                // one that took it may unmap it meanwhile.
                long copy = host.allocFrame();
                boolean taken;
                if (maps == null) {
                    taken = soleMm.evictEntry(this, pfn, soleVpn, copy, false);
                } else {
                    taken = false;
                    for (Mapping m : maps) {
                        taken |= m.mm.evictEntry(this, pfn, m.vpn, copy, taken);
                    }
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

    synchronized Pagemap register(MemoryNode node, Object owner, PagemapOps ops, boolean coherent) {
        if (owner == null || ops == null) {
            throw Errno.EINVAL.exception("a pagemap needs an owner and ops");
        }
        int need = (int) ((node.frames() + Pte.DEVICE_PFN_MASK) >>> Pte.DEVICE_PFN_BITS);
        int free = -1;
        int run = 0;
        for (int s = 1; s < bySlot.length(); s++) {
            Pagemap at = bySlot.get(s);
            if (at != null && at.node == node) {
                throw Errno.EEXIST.exception(node.name() + " already has a pagemap");
            }
            run = at == null ? run + 1 : 0;
            if (run == need && free < 0) {
                free = s - need + 1;
            }
        }
        if (free < 0) {
            throw Errno.ENOSPC.exception("no " + need + " free pagemap slots in a row for " + node.name()
                    + " (15 slots of 64 GiB in all)");
        }
        Pagemap p = new Pagemap(free, need, node, owner, ops, coherent);
        for (int s = free; s < free + need; s++) {
            bySlot.set(s, p);
        }
        return p;
    }

    synchronized void remove(Pagemap p) {
        if (bySlot.get(p.slot) != p) {
            return;
        }
        if (p.mapped.get() > 0) {
            throw Errno.EBUSY.exception(p.mapped.get() + " pages of " + p.node.name() + " are still mapped");
        }
        for (int s = p.slot; s < p.slot + p.slots; s++) {
            bySlot.set(s, null);
        }
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
