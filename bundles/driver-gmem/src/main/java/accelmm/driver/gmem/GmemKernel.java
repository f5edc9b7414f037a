package accelmm.driver.gmem;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceFile;
import accelmm.api.gmem.GmPmap;
import accelmm.api.gmem.GmAs;
import accelmm.api.gmem.GmCap;
import accelmm.api.gmem.GmCtx;
import accelmm.api.gmem.GmDev;
import accelmm.api.gmem.GmFaultHint;
import accelmm.api.gmem.GmMmuMode;
import accelmm.api.gmem.GmPage;
import accelmm.api.gmem.GmRet;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.Stamps;
import accelmm.api.uapi.gmem.GmemMarkHot;
import accelmm.api.uapi.gmem.GmemOp;
import accelmm.api.uapi.gmem.GmemRun;
import accelmm.api.uapi.gmem.GmemRunResult;

/**
 * A kernel on the device: page by page it translates through the context's page table and, on a
 * miss, faults through GMEM (making room when device memory is full) and replays the access. In
 * SHARE mode it walks the CPU page table instead, as a CPU would.
 *
 * <p>Concurrency: each access holds the device lock from translation to the last byte, so an
 * invalidation (which takes the lock to cut the entry) never races a half-done access.
 */
final class GmemKernel {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private long faults;
    private long migrating;
    private long evictions;

    private GmemKernel() {
    }

    /**
     * Validates a user range.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a length below 1 or a range that wraps
     *     or starts below 0
     */
    static void checkRange(long addr, long length) {
        if (length < 1 || addr < 0 || addr + length < addr) {
            throw Errno.EINVAL.exception(String.format("bad range 0x%x + %d", addr, length));
        }
    }

    /** Returns the address space this file attached, or EINVAL. */
    static GmAs attachedSpace(DeviceFile file, GmDev g) {
        GmAs as = file.device().gmem().as(file.process().mm());
        if (file.state().get(GmemDriver.ATTACHED) == null || as == null) {
            throw Errno.EINVAL.exception("the file has not attached its process (GMEM_ATTACH)");
        }
        return as;
    }

    private static GmCtx context(GmAs as, GmDev g) {
        for (GmCtx c : as.contexts()) {
            if (c.dev() == g) {
                return c;
            }
        }
        throw Errno.EINVAL.exception(g + " is no longer attached");
    }

    static GmemRunResult run(DeviceFile file, GmDev g, GmemRun r) {
        if (r.op() == null) {
            throw Errno.EINVAL.exception("no operation");
        }
        checkRange(r.addr(), r.length());
        boolean stamps = r.op() == GmemOp.STORE_STAMPS || r.op() == GmemOp.LOAD_STAMPS;
        if (stamps) {
            Stamps.checkPages(r.addr(), r.length(), null);
        }
        long reply = r.op() == GmemOp.LOAD ? r.length() : r.op() == GmemOp.LOAD_STAMPS ? r.length() / PAGE * 8 : 0;
        if (reply > GmemRun.MAX_LOAD) {
            throw Errno.EINVAL.exception(String.format("a load returns at most %d bytes; %d asked", GmemRun.MAX_LOAD, reply));
        }
        GmAs as = attachedSpace(file, g);
        GmCtx ctx = context(as, g);
        DeviceContext dev = file.device();
        byte[] data = new byte[(int) reply];
        boolean write = r.op() != GmemOp.LOAD && r.op() != GmemOp.LOAD_STAMPS;
        GmemKernel k = new GmemKernel();
        dev.count("gmem.run", 1);
        dev.count("gmem.run_bytes", r.length());
        if (ctx.mode() == GmMmuMode.SHARE) {
            k.runShared(as.mm(), r, data);
            return new GmemRunResult(data, 0, 0, 0);
        }
        boolean replayable = (g.caps() & GmCap.REPLAYABLE) != 0;
        if (!replayable) {
            for (long region = r.addr() & -GmPage.REGION; region < r.addr() + r.length(); region += GmPage.REGION) {
                k.faultIn(dev, as, g, Math.max(region, r.addr()), GmFaultHint.NONE, write);
            }
        }
        long end = r.addr() + r.length();
        byte[] pattern = r.op() == GmemOp.STORE ? fill((int) PAGE, r.value()) : null;
        for (long va = r.addr(); va < end;) {
            int stalls = 0;
            long changes = -1;
            long done;
            while ((done = access(dev, ctx, va, end, r, data, pattern)) == 0) {
                if (!replayable) {
                    throw Errno.EFAULT.exception(String.format("%s cannot replay its fault at 0x%x", dev.name(), va));
                }
                long now = changes(dev, g, ctx);
                stalls = now == changes ? stalls + 1 : 0;
                changes = now;
                if (stalls >= 2) {
                    throw Errno.EFAULT.exception(String.format("the fault at 0x%x maps nothing", va));
                }
                k.faultIn(dev, as, g, va, GmFaultHint.NONE, write);
            }
            if (va == r.addr() || (va & (GmPage.REGION - 1)) == 0) {
                g.touch(as, va);
            }
            va += done;
        }
        return new GmemRunResult(data, k.faults, k.migrating, k.evictions);
    }

    /** Faults a region in, evicting the least recently used regions while memory is full. */
    private void faultIn(DeviceContext dev, GmAs as, GmDev g, long va, GmFaultHint hint, boolean write) {
        while (true) {
            faults++;
            if (dev.gmem().devFault(as.mm(), va, g, hint, write) != GmRet.MIGRATING) {
                return;
            }
            migrating++;
            if (!g.evictLru()) {
                throw Errno.ENOMEM.exception(dev.name() + " is full of regions that may not be evicted");
            }
            evictions++;
        }
    }

    /**
     * A figure that moves whenever someone made progress on the device's memory: the context's page
     * table changed, or a CPU touch took a region home (which a fault racing it loses). A fault that
     * leaves it as it was mapped nothing. Under no lock.
     */
    private static long changes(DeviceContext dev, GmDev g, GmCtx ctx) {
        long cpu = g.hostFaults();
        GmemDriver.lock(dev).lock();
        try {
            return ((GmPmap) ctx.pmap()).changeCount() + cpu;
        } finally {
            GmemDriver.lock(dev).unlock();
        }
    }

    /**
     * Accesses the pages from {@code va} on, up to {@code end} and at most to the end of its region,
     * under one hold of the device lock; stops at the first page the device page table misses.
     *
     * @return the bytes done; 0 if the first page misses
     */
    private static long access(DeviceContext dev, GmCtx ctx, long va, long end, GmemRun r, byte[] data, byte[] pattern) {
        long stop = Math.min(end, (va & -GmPage.REGION) + GmPage.REGION);
        boolean write = r.op() != GmemOp.LOAD && r.op() != GmemOp.LOAD_STAMPS;
        long at = va;
        GmemDriver.lock(dev).lock();
        try {
            GmPmap pmap = ((GmPmap) ctx.pmap());
            while (at < stop) {
                long pa = pmap.translate(at, write);
                if (pa < 0) {
                    break;
                }
                int n = (int) (Math.min((at & PageSize.PAGE_MASK) + PAGE, stop) - at);
                int off = (int) (at - r.addr());
                switch (r.op()) {
                    case LOAD -> dev.memoryManager().physRead(pa, data, off, n);
                    case STORE -> dev.memoryManager().physWrite(pa, pattern, 0, n);
                    case INC -> {
                        byte[] b = new byte[n];
                        dev.memoryManager().physRead(pa, b, 0, n);
                        add(b, r.value());
                        dev.memoryManager().physWrite(pa, b, 0, n);
                    }
                    case STORE_STAMPS -> dev.memoryManager().physWriteStamp(pa, Stamps.derive(r.value(), at));
                    case LOAD_STAMPS -> Stamps.set(data, off / (int) PAGE, dev.memoryManager().physReadStamp(pa));
                }
                at += n;
            }
        } finally {
            GmemDriver.lock(dev).unlock();
        }
        return at - va;
    }

    private void runShared(AddressSpace mm, GmemRun r, byte[] data) {
        switch (r.op()) {
            case LOAD -> mm.read(r.addr(), data, 0, data.length);
            case STORE -> mm.write(r.addr(), fill((int) r.length(), r.value()), 0, (int) r.length());
            case INC -> {
                byte[] b = new byte[(int) r.length()];
                mm.read(r.addr(), b, 0, b.length);
                add(b, r.value());
                mm.write(r.addr(), b, 0, b.length);
            }
            case STORE_STAMPS -> {
                long[] st = new long[(int) (r.length() / PAGE)];
                for (int i = 0; i < st.length; i++) {
                    st[i] = Stamps.derive(r.value(), r.addr() + i * PAGE);
                }
                mm.writeStamps(r.addr(), st, 0, st.length);
            }
            case LOAD_STAMPS -> {
                long[] st = new long[(int) (r.length() / PAGE)];
                mm.readStamps(r.addr(), st, 0, st.length);
                System.arraycopy(Stamps.pack(st), 0, data, 0, data.length);
            }
        }
    }


    private static byte[] fill(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    private static void add(byte[] b, int value) {
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (b[i] + value);
        }
    }

    static Integer markHot(DeviceFile file, GmDev g, GmemMarkHot h) {
        checkRange(h.addr(), h.length());
        GmAs as = attachedSpace(file, g);
        context(as, g);
        GmemKernel k = new GmemKernel();
        int regions = 0;
        for (long region = h.addr() & -GmPage.REGION; region < h.addr() + h.length(); region += GmPage.REGION) {
            k.faultIn(file.device(), as, g, Math.max(region, h.addr()), GmFaultHint.MARK_HOT, false);
            regions++;
        }
        file.device().count("gmem.mark_hot", regions);
        return regions;
    }
}
