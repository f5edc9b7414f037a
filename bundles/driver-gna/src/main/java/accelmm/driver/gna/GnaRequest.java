package accelmm.driver.gna;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.device.StateKey;
import accelmm.api.device.UserMemory;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.GupFlags;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mmu.GnaMmu;
import accelmm.api.uapi.gna.Gna;
import accelmm.api.uapi.gna.GnaBuffer;
import accelmm.api.uapi.gna.GnaCompute;
import accelmm.api.uapi.gna.GnaPatch;
import accelmm.api.uapi.gna.GnaWaitReply;

/**
 * One scoring request: validated against the file's memory objects, then run with its windows
 * pinned, DMA-mapped and laid out in the GNA MMU, and everything undone afterwards.
 *
 * <p>Concurrency: {@link #run} holds the hardware lock while the device computes; the notifier
 * snapshot is taken before it, so an invalidation either completes first (the request retries and
 * sees the change) or waits for the request.
 */
final class GnaRequest {
    private static final long PAGE = PageSize.PAGE_SIZE;
    private static final int MAX_RETRIES = 16;
    private static final StateKey<GnaMmu> MMU = StateKey.of("gna.mmu", GnaMmu.class);

    /** A buffer resolved: its memory object's id and user window. */
    record Window(GnaBuffer buffer, long memoryId, long start, int pages) {
        /** Returns the buffer's first byte inside the window. */
        long inWindow() {
            return buffer.offset() & (PAGE - 1);
        }
    }

    private final DeviceFile file;
    private final DeviceContext dev;
    private final GnaCompute cfg;
    private final List<Window> windows;

    GnaRequest(DeviceFile file, GnaCompute cfg, List<Window> windows) {
        this.file = file;
        this.dev = file.device();
        this.cfg = cfg;
        this.windows = windows;
    }

    /**
     * Checks a compute configuration as {@code gna_validate_score_config} and
     * {@code gna_request_fill_buffers} do, in their order.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad mode, layer count, buffer count,
     *     doubled memory id, too much memory, an unknown or foreign memory id, a range outside its
     *     object, or a patch outside its buffer; {@code EFAULT} if the buffer array is shorter than
     *     {@code bufferCount}
     */
    static List<Window> validate(DeviceFile file, GnaCompute c) {
        if (c.gnaMode() < 0 || c.gnaMode() > Gna.MODE_XNN) {
            throw Errno.EINVAL.exception("mode " + c.gnaMode());
        }
        if (c.layerCount() < 0 || c.layerCount() > Gna.MAX_LAYER_COUNT) {
            throw Errno.EINVAL.exception("layer count " + Long.toUnsignedString(c.layerCount()));
        }
        if (c.bufferCount() == 0) {
            throw Errno.EINVAL.exception("no buffers");
        }
        if (c.bufferCount() < 0 || c.bufferCount() > Long.MAX_VALUE / Gna.BUFFER_STRUCT_SIZE) {
            throw Errno.EINVAL.exception("buffer count " + Long.toUnsignedString(c.bufferCount()) + " overflows the array size");
        }
        if (c.bufferCount() > c.buffers().size()) {
            throw Errno.EFAULT.exception("the buffer array holds " + c.buffers().size() + " of " + c.bufferCount());
        }
        List<Window> out = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        long total = 0;
        for (GnaBuffer b : c.buffers().subList(0, (int) c.bufferCount())) {
            if (!ids.add(b.memoryId())) {
                throw Errno.EINVAL.exception("doubled memory id " + b.memoryId());
            }
            if (b.size() < 0 || b.size() > Gna.MAX_HW_MEM) {
                throw Errno.EINVAL.exception("buffer size " + Long.toUnsignedString(b.size()));
            }
            long span = roundUp((b.offset() & (PAGE - 1)) + b.size());
            total += span;
            if (total > Gna.MAX_HW_MEM) {
                throw Errno.EINVAL.exception("the request needs more than " + Gna.MAX_HW_MEM + " bytes");
            }
            UserMemory mo = MemoryObjects.owned(file, b.memoryId());
            long memSize = mo.size();
            if (b.offset() < 0 || b.offset() >= memSize || b.size() > memSize - b.offset()) {
                throw Errno.EINVAL.exception("[" + b.offset() + ", +" + b.size() + ") is outside memory " + b.memoryId());
            }
            for (GnaPatch p : b.patches()) {
                if (p.size() < 0 || p.size() > 8) {
                    throw Errno.EINVAL.exception("patch size " + Long.toUnsignedString(p.size()));
                }
                if (p.offset() < 0 || p.offset() >= b.size() || p.size() > b.size() - p.offset()) {
                    throw Errno.EINVAL.exception("patch at " + p.offset() + " is outside its buffer");
                }
            }
            long start = mo.address() + (b.offset() & ~(PAGE - 1));
            out.add(new Window(b, b.memoryId(), start, (int) (span / PAGE)));
        }
        if (c.gnaMode() == Gna.MODE_GMM && (c.layerBase() < 0 || c.layerBase() >= total)) {
            throw Errno.EINVAL.exception("layer base 0x" + Long.toHexString(c.layerBase()) + " is in no buffer");
        }
        return out;
    }

    private static long roundUp(long n) {
        return (n + PAGE - 1) & ~(PAGE - 1);
    }

    /**
     * Pins, maps and runs; undoes all of it; returns the outcome.
     *
     * @throws ErrnoException {@code EFAULT} for a memory object unmapped meanwhile, the errno of a
     *     pin or map that failed, {@code EBUSY} when invalidations kept racing every attempt
     */
    GnaWaitReply run(ReentrantLock hardware) {
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            long[] seqs = new long[windows.size()];
            List<DeviceNotifier> notifiers = new ArrayList<>();
            for (int i = 0; i < windows.size(); i++) {
                UserMemory mo = MemoryObjects.of(file).find(windows.get(i).memoryId());
                DeviceNotifier n = mo == null ? null : mo.notifier();
                if (n == null) {
                    throw Errno.EFAULT.exception("memory " + windows.get(i).memoryId() + " was unmapped");
                }
                notifiers.add(n);
                seqs[i] = n.readBegin();
            }
            List<PinnedPages> pins = new ArrayList<>();
            List<SgTable> maps = new ArrayList<>();
            try {
                for (Window w : windows) {
                    pins.add(dev.pin(file, file.process().mm(), w.start(), w.pages(), GupFlags.WRITE));
                }
                for (PinnedPages p : pins) {
                    maps.add(dev.dmaMap(file, table(p), DmaDirection.BIDIRECTIONAL));
                }
                hardware.lock();
                try {
                    boolean stale = false;
                    for (int i = 0; i < notifiers.size(); i++) {
                        stale |= notifiers.get(i).readRetry(seqs[i]);
                    }
                    if (stale) {
                        dev.count("gna.retry", 1);
                        continue;
                    }
                    applyPatches(pins);
                    return score(maps);
                } finally {
                    hardware.unlock();
                }
            } finally {
                for (SgTable t : maps) {
                    dev.dmaUnmap(file, t);
                }
                for (PinnedPages p : pins) {
                    p.unpin();
                }
            }
        }
        throw Errno.EBUSY.exception("invalidations raced " + MAX_RETRIES + " attempts");
    }

    private SgTable table(PinnedPages p) {
        long[] pfns = p.globalPfns();
        return dev.dma().sgFromPages(pfns, 0, pfns.length * PAGE, dev.dmaDevice().maxSegSize());
    }

    /** Stores each patch's value at its place in the pinned window, little-endian. */
    private void applyPatches(List<PinnedPages> pins) {
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            for (GnaPatch p : w.buffer().patches()) {
                if (p.size() == 0) {
                    throw Errno.EFAULT.exception("a patch of size 0");
                }
                if (p.size() != 1 && p.size() != 2 && p.size() != 4 && p.size() != 8) {
                    throw Errno.EINVAL.exception("patch size " + p.size());
                }
                byte[] v = new byte[(int) p.size()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = (byte) (p.value() >>> (8 * k));
                }
                long at = w.inWindow() + p.offset();
                for (int k = 0; k < v.length; k++, at++) {
                    PinnedPages pp = pins.get(i);
                    dev.memoryManager().physWrite(PhysAddr.of(pp.node(), pp.pfns()[(int) (at / PAGE)], at % PAGE), v, k, 1);
                }
            }
        }
    }

    /** Lays the windows out in the GNA MMU and runs the layers; the MMU is cleared after. */
    private GnaWaitReply score(List<SgTable> maps) {
        GnaMmu mmu = dev.state().computeIfAbsent(MMU, () -> dev.gnaMmu(GnaMmu.PGDIRN_LEN, 0));
        mmu.clear();
        try {
            for (int i = 0; i < maps.size(); i++) {
                long first = maps.get(i).entries().get(0).dmaAddress();
                long[] iovaPfns = new long[windows.get(i).pages()];
                for (int p = 0; p < iovaPfns.length; p++) {
                    iovaPfns[p] = (first >>> PageSize.PAGE_SHIFT) + p;
                }
                mmu.add(iovaPfns);
            }
            return new GnaEngine(mmu, dev.dmaDevice()).run(cfg.layerBase(), (int) cfg.layerCount());
        } finally {
            mmu.clear();
        }
    }
}
