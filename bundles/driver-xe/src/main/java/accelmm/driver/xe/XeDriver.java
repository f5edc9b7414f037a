package accelmm.driver.xe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceImport;
import accelmm.api.device.DeviceNotifier;
import accelmm.api.hmm.MigratePfn;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.lockdep.TrackedLock;
import accelmm.api.mm.AddressSpace;
import accelmm.api.notifier.NotifierEvent;
import accelmm.api.notifier.NotifierRange;
import accelmm.api.uapi.drm.PrimeFdToHandle;
import accelmm.api.uapi.drm.PrimeHandleToFd;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBindBo;
import accelmm.api.uapi.xe.XeUnbind;
import accelmm.api.uapi.xe.XeBindMirror;
import accelmm.api.uapi.xe.XeBindUserptr;
import accelmm.api.uapi.xe.XeBoClose;
import accelmm.api.uapi.xe.XeBoCreate;
import accelmm.api.uapi.xe.XeCmd;
import accelmm.api.uapi.xe.XeExec;
import accelmm.api.uapi.xe.XeExecResult;
import accelmm.api.uapi.xe.XeGemMmapOffset;
import accelmm.api.uapi.xe.XeMadvise;
import accelmm.api.uapi.xe.XePrefetch;
import accelmm.api.uapi.xe.XeVmCreate;
import accelmm.api.uapi.xe.XeVmDestroy;

/**
 * The Intel Xe SVM driver: fault-mode VMs whose CPU-address-mirror binds make GPU addresses the
 * process's own, GPU faults resolved by {@link XeSvm}, invalidations that zap GPU mappings and queue
 * unmapped ranges for the garbage collector, CPU faults on VRAM that migrate ranges back, and VRAM
 * eviction of the least recently used ranges.
 *
 * <p>Concurrency: one device lock (kept in the device state across updates) guards ranges and GPU
 * page tables; GPU accesses run under it, so an invalidation waits for the access in flight.
 */
@Component(service = DeviceDriver.class, property = DeviceDriver.KIND + "=xe")
public final class XeDriver implements DeviceDriver {
    static TrackedLock lock(DeviceContext dev) {
        return dev.lock();
    }

    private static void checkRange(long start, long end) {
        if ((start & 0xFFF) != 0 || (end & 0xFFF) != 0 || end <= start || start < 0) {
            throw Errno.EINVAL.exception("[0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ") is not a page range");
        }
    }

    @Override
    public Object ioctl(DeviceFile file, Object request) {
        DeviceContext dev = file.device();
        if (request instanceof XeVmCreate c) {
            lock(dev).lock();
            try {
                return XeVm.create(file, c.faultMode());
            } finally {
                lock(dev).unlock();
            }
        }
        if (request instanceof XeExec x) {
            return exec(file, x);
        }
        if (request instanceof XeBoCreate c) {
            return createBo(file, c);
        }
        if (request instanceof PrimeFdToHandle p) {
            return XePrime.fdToHandle(file, p);
        }
        if (request instanceof XePrefetch p) {
            checkRange(p.start(), p.end());
            XeVm vm = XeVm.owned(file, p.vm());
            XeSvm svm = new XeSvm(file, vm, lock(dev));
            for (long a = p.start(); a < p.end(); ) {
                svm.fault(a, false);
                lock(dev).lock();
                try {
                    a = vm.rangeAt(a) == null ? a + XeSvm.PAGE : vm.rangeAt(a)[XeVm.R_END];
                } finally {
                    lock(dev).unlock();
                }
            }
            return null;
        }
        List<DeviceNotifier> drop = new ArrayList<>();
        List<DeviceImport> imports = new ArrayList<>();
        lock(dev).lock();
        try {
            if (request instanceof PrimeHandleToFd p) {
                return XePrime.handleToFd(file, p);
            }
            if (request instanceof XeGemMmapOffset m) {
                return XeBos.mmapOffset(file, m);
            }
            if (request instanceof XeBindMirror b) {
                XeVm vm = XeVm.owned(file, b.vm());
                checkRange(b.start(), b.end());
                if (!vm.faultMode()) {
                    throw Errno.EINVAL.exception("a CPU address mirror needs a fault-mode VM");
                }
                if (vm.bound(b.start(), b.end())) {
                    throw Errno.EINVAL.exception("the range overlaps another bind");
                }
                vm.mirrors().add(new long[] {b.start(), b.end(), 0});
                return null;
            }
            if (request instanceof XeBindUserptr b) {
                XeVm vm = XeVm.owned(file, b.vm());
                checkRange(b.start(), b.end());
                if (vm.bound(b.start(), b.end())) {
                    throw Errno.EINVAL.exception("the range overlaps another bind");
                }
                vm.mirrors().add(new long[] {b.start(), b.end(), 1});
                return null;
            }
            if (request instanceof XeBindBo b) {
                XeBos.bind(file, XeVm.owned(file, b.vm()), b.handle(), b.va());
                return null;
            }
            if (request instanceof XeUnbind u) {
                XeVm vm = XeVm.owned(file, u.vm());
                checkRange(u.start(), u.end());
                XeBos.unbind(dev, vm, u.start(), u.end());
                return null;
            }
            if (request instanceof XeBoClose c) {
                XeBos.close(file, c.handle(), imports);
                return null;
            }
            if (request instanceof XeMadvise m) {
                XeVm vm = XeVm.owned(file, m.vm());
                checkRange(m.start(), m.end());
                if (m.location() != Xe.LOC_SYSTEM && m.location() != Xe.LOC_VRAM) {
                    throw Errno.EINVAL.exception("location " + m.location());
                }
                if (m.location() == Xe.LOC_VRAM && dev.memory() == null) {
                    throw Errno.EINVAL.exception(dev.name() + " has no VRAM");
                }
                vm.advice().put(m.start(), new long[] {m.end(), m.location()});
                return null;
            }
            if (request instanceof XeVmDestroy d) {
                destroy(file, XeVm.owned(file, d.vm()), drop);
                return null;
            }
        } finally {
            lock(dev).unlock();
            drop.forEach(DeviceNotifier::remove);
            imports.forEach(DeviceImport::release);
        }
        throw Errno.ENOTTY.exception(request.getClass().getSimpleName() + " is not an ioctl of the Xe driver");
    }

    /**
     * Creates a BO; a VRAM BO that does not fit evicts SVM ranges of every VM on the device, least
     * recently used first, until it does, as TTM makes room: {@code ENOMEM} only when none is left.
     */
    private static Integer createBo(DeviceFile file, XeBoCreate c) {
        DeviceContext dev = file.device();
        while (true) {
            lock(dev).lock();
            try {
                return XeBos.create(file, c);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOMEM || c.placement() != Xe.LOC_VRAM) {
                    throw e;
                }
            } finally {
                lock(dev).unlock();
            }
            if (!evictLeastRecentlyUsed(dev, null, -1)) {
                lock(dev).lock();
                try {
                    return XeBos.create(file, c);
                } finally {
                    lock(dev).unlock();
                }
            }
        }
    }

    private static void destroy(DeviceFile file, XeVm vm, List<DeviceNotifier> drop) {
        for (long[] r : vm.ranges().values()) {
            XeSvm.zap(vm, r);
            XeLru.forget(file.device(), r);
        }
        XeBos.unbindAll(file, vm);
        vm.clearRanges();
        drop.addAll(vm.notifiers().values());
        vm.notifiers().clear();
        file.device().freePgtable(vm.pgtable());
        XeVm.all(file.device()).remove(vm.id);
    }

    private static XeExecResult exec(DeviceFile file, XeExec x) {
        XeVm vm = XeVm.owned(file, x.vm());
        DeviceContext dev = file.device();
        ReentrantLock lock = lock(dev);
        XeSvm svm = new XeSvm(file, vm, lock);
        for (XeCmd c : x.commands()) {
            checkStamps(c);
        }
        List<byte[]> loads = new ArrayList<>();
        int faults = 0;
        for (XeCmd c : x.commands()) {
            List<XeCmd> steps = c.op() == XeCmd.Op.COPY
                    ? List.of(XeCmd.load(c.va(), c.length()), new XeCmd(XeCmd.Op.STORE, c.dst(), c.length(), null, 0))
                    : List.of(c);
            byte[] carried = null;
            for (XeCmd step : steps) {
                boolean stamps = step.op() == XeCmd.Op.STORE_STAMPS || step.op() == XeCmd.Op.LOAD_STAMPS;
                boolean write = step.op() != XeCmd.Op.LOAD && step.op() != XeCmd.Op.LOAD_STAMPS;
                byte[] buf = step.op() == XeCmd.Op.STORE || step.op() == XeCmd.Op.STORE_STAMPS
                        ? (step.data() != null ? step.data() : carried)
                        : new byte[stamps ? step.length() / 512 : step.length()];
                int done = 0;
                while (true) {
                    int next;
                    lock.lock();
                    try {
                        next = step.op() == XeCmd.Op.ATOMIC_INC ? (atomicInc(vm, dev, step.va()) ? buf.length : 0)
                                : stamps ? advanceStamps(vm, dev, step.va(), buf, done, write)
                                : advance(vm, dev, step.va(), buf, done, write);
                    } finally {
                        lock.unlock();
                    }
                    if (buf.length == 0 ? next > 0 : next >= buf.length) {
                        break;
                    }
                    if (next > done) {
                        done = next;
                        continue;
                    }
                    faults++;
                    dev.count("xe.gpu_fault", 1);
                    long at = step.va() + (stamps ? (long) (done / 8) * XeSvm.PAGE : done);
                    try {
                        svm.fault(at, write);
                    } catch (XeSvm.Fatal f) {
                        return new XeExecResult(false, at, f.errno.name(), faults, loads);
                    }
                }
                carried = buf;
            }
            if (c.op() == XeCmd.Op.LOAD || c.op() == XeCmd.Op.LOAD_STAMPS) {
                loads.add(carried);
            }
        }
        dev.count("xe.exec", 1);
        return new XeExecResult(true, -1, null, faults, loads);
    }

    /** The most bytes one access moves under the device lock, so that invalidations get in between. */
    static final int ACCESS_BURST = 2 << 20;

    /**
     * Moves the bytes of an access from {@code done} on, page by page, while the pages are mapped
     * (writable if needed), as a GPU whose accesses stall at the first page that faults; under the
     * device lock. Returns how far it got: {@code done} when the page at {@code done} faults.
     */
    private static int advance(XeVm vm, DeviceContext dev, long va, byte[] buf, int done, boolean write) {
        int limit = (int) Math.min(buf.length, (long) done + ACCESS_BURST);
        long[] range = null;
        while (done < limit || (buf.length == 0 && done == 0)) {
            long at = va + done;
            long page = at & ~(XeSvm.PAGE - 1);
            long p = vm.pgtable().iovaToPhys(page);
            if (p == 0) {
                return done;
            }
            if (!vm.boAt(page)) {
                if (range == null || page < range[XeVm.R_START] || page >= range[XeVm.R_END]) {
                    range = vm.rangeAt(page);
                    if (range == null || (write && (range[XeVm.R_FLAGS] & XeVm.WRITABLE) == 0)) {
                        return done;
                    }
                    XeLru.touch(dev, vm, range);
                }
            }
            if (buf.length == 0) {
                return 1;
            }
            int n = (int) Math.min(limit - done, XeSvm.PAGE - (at - page));
            if (write) {
                dev.memoryManager().physWrite(p + (at - page), buf, done, n);
            } else {
                dev.memoryManager().physRead(p + (at - page), buf, done, n);
            }
            done += n;
        }
        return done;
    }

    /**
     * Checks a stamp command ({@link accelmm.api.mm.Stamps#checkPages}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for one that is not whole pages or carries bad stamps
     */
    private static void checkStamps(XeCmd c) {
        if (c.op() == XeCmd.Op.STORE_STAMPS || c.op() == XeCmd.Op.LOAD_STAMPS) {
            accelmm.api.mm.Stamps.checkPages(c.va(), c.length(), c.op() == XeCmd.Op.STORE_STAMPS ? nonNull(c.data()) : null);
        }
    }

    private static byte[] nonNull(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    /**
     * The stamp commands' {@link #advance}: page by page from stamp {@code done / 8}, while the pages
     * are mapped; under the device lock. Returns how far it got, in bytes of {@code buf}.
     */
    private static int advanceStamps(XeVm vm, DeviceContext dev, long va, byte[] buf, int done, boolean write) {
        int limit = Math.min(buf.length, done + ACCESS_BURST / 512);
        long[] range = null;
        for (; done < limit; done += 8) {
            long page = va + (long) (done / 8) * XeSvm.PAGE;
            long p = vm.pgtable().iovaToPhys(page);
            if (p == 0) {
                return done;
            }
            if (!vm.boAt(page) && (range == null || page < range[XeVm.R_START] || page >= range[XeVm.R_END])) {
                range = vm.rangeAt(page);
                if (range == null || (write && (range[XeVm.R_FLAGS] & XeVm.WRITABLE) == 0)) {
                    return done;
                }
                XeLru.touch(dev, vm, range);
            }
            if (write) {
                dev.memoryManager().physWriteStamp(p, accelmm.api.mm.Stamps.get(buf, done / 8));
            } else {
                accelmm.api.mm.Stamps.set(buf, done / 8, dev.memoryManager().physReadStamp(p));
            }
        }
        return done;
    }


    /** Increments the little-endian u32 at {@code va} if its pages are mapped writable; under the device lock. */
    private static boolean atomicInc(XeVm vm, DeviceContext dev, long va) {
        byte[] v = new byte[4];
        long[] pa = new long[2];
        for (int i = 0; i < 4; i++) {
            long page = (va + i) & ~(XeSvm.PAGE - 1);
            long p = vm.pgtable().iovaToPhys(page);
            long[] r = vm.boAt(page) ? null : vm.rangeAt(page);
            if (p == 0 || (!vm.boAt(page) && (r == null || (r[XeVm.R_FLAGS] & XeVm.WRITABLE) == 0))) {
                return false;
            }
            if (r != null) {
                XeLru.touch(dev, vm, r);
            }
            pa[page == (va & ~(XeSvm.PAGE - 1)) ? 0 : 1] = p;
        }
        move(dev, va, pa, v, false);
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, b.getInt(0) + 1);
        move(dev, va, pa, v, true);
        return true;
    }

    private static void move(DeviceContext dev, long va, long[] pa, byte[] buf, boolean write) {
        int done = 0;
        for (int i = 0; done < buf.length; i++) {
            long in = i == 0 ? va & (XeSvm.PAGE - 1) : 0;
            int n = (int) Math.min(buf.length - done, XeSvm.PAGE - in);
            if (write) {
                dev.memoryManager().physWrite(pa[i] + in, buf, done, n);
            } else {
                dev.memoryManager().physRead(pa[i] + in, buf, done, n);
            }
            done += n;
        }
    }

    @Override
    public boolean invalidate(DeviceNotifier notifier, NotifierRange range, long seq) {
        DeviceContext dev = notifier.file().device();
        ReentrantLock lock = lock(dev);
        if (!range.blockable()) {
            if (!lock.tryLock()) {
                return false;
            }
        } else {
            lock.lock();
        }
        try {
            notifier.setSeq(seq);
            Map<String, Object> s = XeVm.all(dev).find(notifier.cookie() >>> 32);
            if (s == null) {
                return true;
            }
            XeVm vm = new XeVm((int) (notifier.cookie() >>> 32), s);
            long[] hint = vm.rangeHint();
            if (hint != null && hint[XeVm.R_START] <= range.start() && range.end() <= hint[XeVm.R_END]) {
                invalidated(vm, hint, range);
            } else {
                java.util.TreeMap<Long, long[]> ranges = vm.ranges();
                // Ranges do not overlap: the one below the start, if it reaches it, then those after.
                Long at = ranges.floorKey(range.start());
                if (at == null || ranges.get(at)[XeVm.R_END] <= range.start()) {
                    at = ranges.higherKey(range.start());
                }
                for (; at != null && at < range.end(); at = ranges.higherKey(at)) {
                    long[] r = ranges.get(at);
                    invalidated(vm, r, range);
                    if (r[XeVm.R_START] <= range.start() && range.end() <= r[XeVm.R_END]) {
                        vm.setRangeHint(r);
                    }
                }
            }
            dev.count("xe.invalidate", 1);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** What an invalidation does to one range it reaches: zap it; an UNMAP also queues it for removal. */
    private static void invalidated(XeVm vm, long[] r, NotifierRange range) {
        XeSvm.zap(vm, r);
        if (range.event() == NotifierEvent.UNMAP) {
            r[XeVm.R_FLAGS] |= XeVm.UNMAPPED;
            if (range.start() > r[XeVm.R_START] || range.end() < r[XeVm.R_END]) {
                r[XeVm.R_FLAGS] |= XeVm.PARTIAL;
            }
            vm.gc().add(r[XeVm.R_START]);
        }
    }

    @Override
    public boolean migrateToRam(DeviceContext dev, AddressSpace mm, long addr) {
        long start = addr & ~(XeSvm.PAGE - 1);
        long end = start + XeSvm.PAGE;
        lock(dev).lock();
        try {
            long[] r = rangeOf(dev, addr);
            if (r != null) {
                start = r[XeVm.R_START];
                end = r[XeVm.R_END];
            }
        } finally {
            lock(dev).unlock();
        }
        // As drm_gpusvm_migrate_to_ram: the range clamped to the VMA of the address (an mprotect or
        // a partial munmap may have split the VMA the range was made in).
        accelmm.api.mm.VmaInfo v = mm.vmaLookup(addr);
        if (v != null) {
            start = Math.max(start, v.start());
            end = Math.min(end, v.end());
        }
        MigrateVma args = new MigrateVma(start, end, MigrateVma.SELECT_DEVICE_PRIVATE, dev);
        mm.migrateVma(args, a -> {
            for (int i = 0; i < a.pages(); i++) {
                if (MigratePfn.migrate(a.src[i])) {
                    a.dst[i] = dev.memoryManager().allocHostPage();
                    dev.memoryManager().copyPage(a.src[i], a.dst[i]);
                }
            }
        });
        dev.count("xe.migrate_to_ram", 1);
        return args.cpages > 0;
    }

    /** The range holding {@code addr} in any VM of the device. */
    private static long[] rangeOf(DeviceContext dev, long addr) {
        long[][] found = new long[1][];
        XeVm.all(dev).forEach((id, s) -> {
            long[] r = s == null ? null : new XeVm((int) id, s).rangeAt(addr);
            if (r != null && (r[XeVm.R_FLAGS] & XeVm.DEVMEM) != 0) {
                found[0] = r;
                return 1;
            }
            return 0;
        });
        return found[0];
    }

    /**
     * Evicts the least recently used range in VRAM of any VM, other than the one at {@code keep} in
     * {@code self} (none if {@code self} is null); with no such range, moves the VRAM BO bound
     * longest ago to system memory; false if there is neither.
     */
    static boolean evictLeastRecentlyUsed(DeviceContext dev, XeVm self, long keep) {
        long[] victim;
        long[] pfns;
        lock(dev).lock();
        try {
            victim = XeLru.victim(dev, self, keep);
            if (victim == null) {
                int bo = XeBos.victim(dev);
                if (bo == 0) {
                    return false;
                }
                try {
                    XeBos.evictToSystem(dev, bo);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.ENOMEM) {
                        throw e;
                    }
                    return false;
                }
                return true;
            }
            pfns = XeSvm.takeDevicePages(dev, victim);
        } finally {
            lock(dev).unlock();
        }
        XeSvm.evictPages(dev, pfns);
        return true;
    }

    @Override
    public void release(DeviceFile file) {
        List<DeviceNotifier> drop = new ArrayList<>();
        List<DeviceImport> imports = new ArrayList<>();
        lock(file.device()).lock();
        try {
            List<Integer> mine = new ArrayList<>();
            XeVm.all(file.device()).forEach((id, s) -> {
                if (s != null && (Long) s.get("file") == file.id()) {
                    mine.add((int) id);
                }
                return 0;
            });
            for (int id : mine) {
                destroy(file, XeVm.owned(file, id), drop);
            }
            XeBos.closeAll(file, imports);
        } finally {
            lock(file.device()).unlock();
        }
        drop.forEach(DeviceNotifier::remove);
        imports.forEach(DeviceImport::release);
    }
}
