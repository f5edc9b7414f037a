package accelmm.core.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

import accelmm.api.Errno;
import accelmm.api.idr.Idr;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.mmu.IoPgtableFormat;
import accelmm.api.mmu.IoTlbOps;
import accelmm.core.mmu.LpaePgtable;

/**
 * A device's page tables: made with TLB maintenance the device counts ({@code tlb.flush}), listed
 * by id in the core's registry ({@code mm:pt}), found by id or by table without a scan, checked
 * against the frames they map, and gone at unplug.
 *
 * <p>Concurrency: thread-safe (a lock-free registry and a concurrent reverse index).
 */
final class DevicePgtables {
    private final DeviceImpl dev;
    private final Idr<IoPgtable> byId;
    private final Map<IoPgtable, Long> ids = new ConcurrentHashMap<>();

    DevicePgtables(DeviceImpl dev, Idr<IoPgtable> registry) {
        this.dev = dev;
        this.byId = registry;
    }

    IoPgtable create(IoPgtableFormat format, long pgsizeBitmap, int ias, int oas) {
        IoPgtable t = new LpaePgtable(format, pgsizeBitmap, ias, oas, new IoTlbOps() {
            @Override
            public void flushAll() {
                dev.count("tlb.flush", 1);
            }

            @Override
            public void flushWalk(long iova, long size, long granule) {
                dev.count("tlb.flush", 1);
            }
        }, null);
        ids.put(t, (long) byId.alloc(t, 0, 0));
        return t;
    }

    long id(IoPgtable table) {
        Long id = table == null ? null : ids.get(table);
        return id == null ? -1 : id;
    }

    void free(IoPgtable table) {
        Long id = table == null ? null : ids.remove(table);
        if (id != null) {
            byId.remove(id);
        }
    }

    /**
     * Checks every page table of the device: each valid leaf maps frames that are allocated (host
     * frames someone holds, or device memory in use). A leaf left behind after the memory was
     * unmapped, migrated or freed under a notifier fails this.
     *
     * <p>Concurrency: meant for a quiet moment; a table changing meanwhile may show a passing state.
     */
    void check(LongPredicate allocated, List<String> problems) {
        byId.forEach((id, t) -> {
            t.forEachLeaf((iova, pa, size, prot) -> {
                for (long off = 0; off < size; off += accelmm.api.PageSize.PAGE_SIZE) {
                    if (!allocated.test(pa + off)) {
                        if (problems.size() < 20) {
                            problems.add(String.format("%s page table %d: 0x%x maps physical 0x%x, a frame that is not allocated",
                                    dev.name(), id, iova + off, pa + off));
                        }
                        return;
                    }
                }
            });
            return 0;
        });
    }

    /** Lists the page tables by id. */
    List<Long> ids() {
        List<Long> out = new ArrayList<>();
        byId.forEach((id, t) -> {
            out.add(id);
            return 0;
        });
        return out;
    }

    /**
     * Walks {@code va} in table {@code id}.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown table
     */
    List<String> walk(long id, long va) {
        IoPgtable t = id < 0 || id > Integer.MAX_VALUE ? null : byId.find(id);
        if (t == null) {
            throw Errno.ENOENT.exception(dev.name() + " has no page table " + id);
        }
        return t.walk(va);
    }

    /** Forgets every table (unplug). */
    void destroy() {
        ids.clear();
        byId.destroy();
    }
}
