package accelmm.core.mm;

import java.util.HashMap;
import java.util.Map;

import accelmm.api.PageSize;
import accelmm.api.hmm.DevicePagemap;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.HmmRetry;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.hmm.PagemapOps;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.DeviceMemory;
import accelmm.api.notifier.IntervalNotifier;
import accelmm.api.notifier.NotifierEvent;

/**
 * A test device modelled on the kernel's dmirror ({@code lib/test_hmm.c}): a mirror table filled
 * through the retry protocol, device reads and writes through it, migration to its VRAM and back.
 */
final class Dmirror implements PagemapOps {
    static final long PAGE = PageSize.PAGE_SIZE;

    final MemoryManagerImpl mm;
    final DeviceMemory vram;
    final DevicePagemap pagemap;
    final Object lock = new Object();
    final Map<Long, Long> mirror = new HashMap<>();
    int freed;

    Dmirror(MemoryManagerImpl mm, long vramBytes) {
        this(mm, vramBytes, false);
    }

    /** A mirror whose VRAM is device-coherent if {@code coherent} (test_hmm's coherent mode), else device-private. */
    Dmirror(MemoryManagerImpl mm, long vramBytes, boolean coherent) {
        this.mm = mm;
        this.vram = mm.createDeviceMemory(coherent ? "dmirror-coherent" : "dmirror-vram", vramBytes);
        this.pagemap = mm.registerPagemap(vram, this, this, coherent);
    }

    private int deviceSelect() {
        return pagemap.coherent() ? MigrateVma.SELECT_DEVICE_COHERENT : MigrateVma.SELECT_DEVICE_PRIVATE;
    }

    /** Migrates [start, end) of this device's memory back to system memory; returns the pages collected. */
    long migrateToSystem(AddressSpace as, long start, long end, int select) {
        MigrateVma args = new MigrateVma(start, end, select, this);
        as.migrateVma(args, a -> {
            for (int i = 0; i < a.pages(); i++) {
                if (MigratePfn.migrate(a.src[i])) {
                    a.dst[i] = mm.allocHostPage();
                    mm.copyPage(a.src[i], a.dst[i]);
                }
            }
        });
        return args.cpages;
    }

    IntervalNotifier watch(AddressSpace as, long start, long len) {
        return as.insertNotifier(start, len, (sub, range, cur) -> {
            if (range.event() == NotifierEvent.MIGRATE && range.owner() == this) {
                return true;
            }
            synchronized (lock) {
                sub.setSeq(cur);
                mirror.keySet().removeIf(a -> a >= range.start() && a < range.end());
            }
            return true;
        });
    }

    /** Faults the range into the mirror through the retry protocol; returns the entries. */
    long[] fault(AddressSpace as, IntervalNotifier n, long start, long end, boolean write) {
        while (true) {
            HmmRange r = new HmmRange(n, start, end);
            r.defaultFlags = HmmPfn.REQ_FAULT | (write ? HmmPfn.REQ_WRITE : 0);
            r.devPrivateOwner = this;
            HmmRetry.fault(as, r);
            synchronized (lock) {
                if (n.readRetry(r.notifierSeq)) {
                    continue;
                }
                for (int i = 0; i < r.pages(); i++) {
                    mirror.put(start + i * PAGE, r.pfns[i]);
                }
                return r.pfns.clone();
            }
        }
    }

    /** A device read of whole pages: fault, then read each page from where it lives. */
    byte[] read(AddressSpace as, IntervalNotifier n, long start, int pages) {
        long[] entries = fault(as, n, start, start + pages * PAGE, false);
        byte[] out = new byte[(int) (pages * PAGE)];
        for (int i = 0; i < pages; i++) {
            mm.physRead(HmmPfn.physAddr(entries[i]), out, (int) (i * PAGE), (int) PAGE);
        }
        return out;
    }

    /**
     * A device write of one byte: through the cached mirror entry when there is a writable one (a
     * device TLB hit), else fault writable and write under the mirror lock, retrying if the mapping
     * changed meanwhile.
     */
    void write(AddressSpace as, IntervalNotifier n, long addr, byte value) {
        long page = addr & ~(PAGE - 1);
        synchronized (lock) {
            Long cached = mirror.get(page);
            if (cached != null && HmmPfn.writable(cached)) {
                mm.physWrite(HmmPfn.physAddr(cached) + (addr - page), new byte[] {value}, 0, 1);
                return;
            }
        }
        while (true) {
            HmmRange r = new HmmRange(n, page, page + PAGE);
            r.defaultFlags = HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE;
            r.devPrivateOwner = this;
            HmmRetry.fault(as, r);
            synchronized (lock) {
                if (n.readRetry(r.notifierSeq)) {
                    continue;
                }
                mirror.put(page, r.pfns[0]);
                long e = r.pfns[0];
                mm.physWrite(HmmPfn.physAddr(e) + (addr - page), new byte[] {value}, 0, 1);
                return;
            }
        }
    }

    /** Migrates [start, end) of system memory to VRAM; returns the pages collected. */
    long migrateToDevice(AddressSpace as, long start, long end) {
        MigrateVma args = new MigrateVma(start, end, MigrateVma.SELECT_SYSTEM, this);
        as.migrateVma(args, a -> {
            for (int i = 0; i < a.pages(); i++) {
                if (!MigratePfn.migrate(a.src[i])) {
                    continue;
                }
                a.dst[i] = mm.allocDevicePage(vram);
                if (MigratePfn.valid(a.src[i])) {
                    mm.copyPage(a.src[i], a.dst[i]);
                }
            }
        });
        return args.cpages;
    }

    @Override
    public boolean migrateToRam(AddressSpace as, long addr) {
        MigrateVma args = new MigrateVma(addr, addr + PAGE, deviceSelect(), this);
        as.migrateVma(args, a -> {
            if (MigratePfn.migrate(a.src[0])) {
                a.dst[0] = mm.allocHostPage();
                mm.copyPage(a.src[0], a.dst[0]);
            }
        });
        return args.cpages == 1;
    }

    @Override
    public void pageFree(long pfn) {
        freed++;
    }
}
