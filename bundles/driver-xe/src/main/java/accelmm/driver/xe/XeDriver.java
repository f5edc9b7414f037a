package accelmm.driver.xe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceFile;
import accelmm.api.device.IoctlTable;
import accelmm.api.device.Request;
import accelmm.api.gem.GemObject;
import accelmm.api.gpusvm.GpuSvm;
import accelmm.api.gpusvm.GpuSvmPolicy;
import accelmm.api.gpusvm.GpuSvmRange;
import accelmm.api.gpuvm.GpuVa;
import accelmm.api.gpuvm.GpuVm;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mmu.GpuAccess;
import accelmm.api.uapi.drm.DrmIoctl;
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
import accelmm.api.uapi.xe.XeIoctl;
import accelmm.api.uapi.xe.XeMadvise;
import accelmm.api.uapi.xe.XePrefetch;
import accelmm.api.uapi.xe.XeVmCreate;
import accelmm.api.uapi.xe.XeVmDestroy;

/**
 * The Intel Xe SVM driver: fault-mode VMs whose CPU-address-mirror binds make GPU addresses the
 * process's own, GPU faults resolved by the core's GPU SVM with this driver's placement (the
 * preferred location of {@code madvise}) and eviction (the least recently used range of any VM,
 * then the VRAM BO used longest ago), CPU faults on VRAM that migrate ranges back, and BOs.
 *
 * <p>Concurrency: the device lock guards VMs, BOs and GPU page tables; GPU accesses run under it,
 * so an invalidation waits for the access in flight.
 */
@Component(service = DeviceDriver.class, property = DeviceDriver.KIND + "=xe")
public final class XeDriver implements DeviceDriver {
    private static final long PAGE = accelmm.api.PageSize.PAGE_SIZE;

    private static void checkRange(long start, long end) {
        if ((start & 0xFFF) != 0 || (end & 0xFFF) != 0 || end <= start || start < 0) {
            throw Errno.EINVAL.exception("[0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ") is not a page range");
        }
    }

    private static final IoctlTable IOCTLS = IoctlTable.builder("Xe", XeIoctl.class, DrmIoctl.class)
            .on(XeVmCreate.class, IoctlTable.underDeviceLock((file, c, after) -> XeVm.create(file, c.faultMode())))
            .on(XeExec.class, XeDriver::exec)
            .on(XeBoCreate.class, XeDriver::createBo)
            .on(PrimeFdToHandle.class, XePrime::fdToHandle)
            .on(XePrefetch.class, XeDriver::prefetch)
            .on(XeVmDestroy.class, (file, d) -> {
                destroy(file, XeVm.owned(file, d.vm()));
                return null;
            })
            .on(PrimeHandleToFd.class, IoctlTable.underDeviceLock((file, p, after) -> XePrime.handleToFd(file, p)))
            .on(XeGemMmapOffset.class, IoctlTable.underDeviceLock((file, m, after) -> XeBos.mmapOffset(file, m)))
            .on(XeBindMirror.class, IoctlTable.underDeviceLock((file, b, after) -> bindMirror(file, b.vm(), b.start(), b.end(), false)))
            .on(XeBindUserptr.class, IoctlTable.underDeviceLock((file, b, after) -> bindMirror(file, b.vm(), b.start(), b.end(), true)))
            .on(XeBindBo.class, IoctlTable.underDeviceLock((file, b, after) -> {
                XeBos.bind(file, XeVm.owned(file, b.vm()), b.handle(), b.va());
                return null;
            }))
            .on(XeUnbind.class, IoctlTable.underDeviceLock((file, u, after) -> {
                GpuVm vm = XeVm.owned(file, u.vm());
                checkRange(u.start(), u.end());
                XeBos.unbind(file.device(), vm, u.start(), u.end());
                return null;
            }))
            .on(XeBoClose.class, IoctlTable.underDeviceLock((file, c, after) -> {
                XeBos.close(file, c.handle(), after);
                return null;
            }))
            .on(XeMadvise.class, IoctlTable.underDeviceLock((file, m, after) -> madvise(file, m)))
            .build();

    @Override
    public <R> R ioctl(DeviceFile file, Request<R> request) {
        return IOCTLS.dispatch(file, request);
    }

    /** A CPU-address-mirror or userptr bind; under the device lock. */
    private static Void bindMirror(DeviceFile file, int vmId, long start, long end, boolean userptr) {
        GpuVm vm = XeVm.owned(file, vmId);
        checkRange(start, end);
        if (!userptr && !vm.faultMode()) {
            throw Errno.EINVAL.exception("a CPU address mirror needs a fault-mode VM");
        }
        if (vm.bound(start, end)) {
            throw Errno.EINVAL.exception("the range overlaps another bind");
        }
        vm.vas().add(GpuVa.mirror(start, end, userptr));
        return null;
    }

    /** The preferred location of a range; under the device lock. */
    private static Void madvise(DeviceFile file, XeMadvise m) {
        GpuVm vm = XeVm.owned(file, m.vm());
        checkRange(m.start(), m.end());
        if (m.location() != Xe.LOC_SYSTEM && m.location() != Xe.LOC_VRAM) {
            throw Errno.EINVAL.exception("location " + m.location());
        }
        if (m.location() == Xe.LOC_VRAM && file.device().memory() == null) {
            throw Errno.EINVAL.exception(file.device().name() + " has no VRAM");
        }
        vm.advise(m.start(), m.end(), m.location());
        return null;
    }

    /** Faults a range in, as the GPU would, range by range. */
    private static Void prefetch(DeviceFile file, XePrefetch p) {
        checkRange(p.start(), p.end());
        GpuVm vm = XeVm.owned(file, p.vm());
        DeviceContext dev = file.device();
        for (long a = p.start(); a < p.end(); ) {
            Errno stop = fault(vm, a, false);
            if (stop != null) {
                throw stop.exception("cannot prefetch 0x" + Long.toHexString(a));
            }
            dev.lock().lock();
            try {
                GpuSvmRange r = vm.svm().rangeAt(a);
                a = r == null ? a + PAGE : r.end();
            } finally {
                dev.lock().unlock();
            }
        }
        return null;
    }

    /**
     * Creates a BO; a VRAM BO that does not fit evicts SVM ranges of every VM on the device, least
     * recently used first, until it does, as TTM makes room: {@code ENOMEM} only when none is left.
     */
    private static Integer createBo(DeviceFile file, XeBoCreate c) {
        DeviceContext dev = file.device();
        boolean evicted = true;
        while (true) {
            dev.lock().lock();
            try {
                return XeBos.create(file, c);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOMEM || c.placement() != Xe.LOC_VRAM || !evicted) {
                    throw e;
                }
            } finally {
                dev.lock().unlock();
            }
            evicted = evictLeastRecentlyUsed(dev, null, -1);
        }
    }

    /** Destroys a VM: its SVM ranges first (without the device lock), then its BO binds and page table. */
    private static void destroy(DeviceFile file, GpuVm vm) {
        DeviceContext dev = file.device();
        vm.svm().destroy();
        dev.lock().lock();
        try {
            XeBos.unbindAll(file, vm);
            if (XeVm.all(dev).find(vm.id()) == vm) {
                XeVm.all(dev).remove(vm.id());
                dev.freePgtable(vm.pgtable());
            }
        } finally {
            dev.lock().unlock();
        }
    }

    /**
     * Serves a GPU fault at {@code addr}: the core's GPU SVM inside the mirror or userptr bind there,
     * with this driver's placement and eviction.
     *
     * @return null once the page is bound, or the errno that ends the access ({@code EINVAL} outside
     *     every mirror and userptr bind)
     */
    static Errno fault(GpuVm vm, long addr, boolean write) {
        DeviceContext dev = vm.file().device();
        GpuVa bind;
        dev.lock().lock();
        try {
            bind = vm.vaAt(addr, GpuVa.Kind.MIRROR, GpuVa.Kind.USERPTR);
        } finally {
            dev.lock().unlock();
        }
        if (bind == null) {
            return Errno.EINVAL;
        }
        return vm.svm().fault(addr, write, bind.start(), bind.end(), bind.kind() == GpuVa.Kind.USERPTR, new GpuSvmPolicy() {
            @Override
            public boolean wantDevmem(long start, long end) {
                if (dev.memory() == null) {
                    return false;
                }
                dev.lock().lock();
                try {
                    return vm.location(start, Xe.LOC_SYSTEM) == Xe.LOC_VRAM;
                } finally {
                    dev.lock().unlock();
                }
            }

            @Override
            public boolean makeRoom(GpuSvm svm, long keepStart) {
                return evictLeastRecentlyUsed(dev, svm, keepStart);
            }
        });
    }

    /** Runs an exec, a slice of the process's simulated time in a trace. */
    private static XeExecResult exec(DeviceFile file, XeExec x) {
        int pid = file.process().pid();
        long start = file.device().cost().processNanos(pid);
        try {
            return execute(file, x);
        } finally {
            file.device().cost().slice(pid, "xe exec", start);
        }
    }

    private static XeExecResult execute(DeviceFile file, XeExec x) {
        GpuVm vm = XeVm.owned(file, x.vm());
        DeviceContext dev = file.device();
        ReentrantLock lock = dev.lock();
        for (XeCmd c : x.commands()) {
            checkStamps(c);
        }
        List<byte[]> loads = new ArrayList<>();
        int faults = 0;
        Traffic traffic = new Traffic();
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
                        next = step.op() == XeCmd.Op.ATOMIC_INC ? (atomicInc(vm, dev, step.va(), traffic) ? buf.length : 0)
                                : advance(vm, dev, step.va(), buf, done, write, stamps, traffic);
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
                    long at = step.va() + (stamps ? (long) (done / 8) * PAGE : done);
                    Errno stop = fault(vm, at, write);
                    if (stop != null) {
                        return new XeExecResult(false, at, stop.name(), faults, loads);
                    }
                }
                carried = buf;
            }
            dev.cost().compute(file.process().pid(), traffic.local * PAGE, traffic.remote * PAGE);
            traffic.local = 0;
            traffic.remote = 0;
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
     * Moves the bytes (or, with {@code stamps}, the stamps: 8 bytes of {@code buf} a page) of an
     * access from {@code done} on, page by page, while the pages are mapped (writable if needed), as
     * a GPU whose accesses stall at the first page that faults; under the device lock. Returns how
     * far it got: {@code done} when the page at {@code done} faults.
     */
    private static int advance(GpuVm vm, DeviceContext dev, long va, byte[] buf, int done, boolean write, boolean stamps,
            Traffic traffic) {
        if (stamps) {
            int limit = Math.min(buf.length, done + ACCESS_BURST / 512);
            return GpuAccess.stamps(dev.memoryManager(), vm.pgtable(), va, buf, done, limit, write, allowed(vm, write, traffic));
        }
        if (buf.length == 0) {
            long page = va & ~(PAGE - 1);
            return vm.pgtable().iovaToPhys(page) != 0 && allowed(vm, write, traffic).test(page) ? 1 : 0;
        }
        int limit = (int) Math.min(buf.length, (long) done + ACCESS_BURST);
        return GpuAccess.bytes(dev.memoryManager(), vm.pgtable(), va, buf, done, limit, write, allowed(vm, write, traffic));
    }

    /** The pages an exec touched in device memory and, remotely, in system memory: what its compute time is made of. */
    private static final class Traffic {
        long local;
        long remote;
    }

    /**
     * Which pages an access may touch, under the device lock: a BO's, or an SVM range's (writable
     * for a write), which it marks used once per range; each page it allows is counted in
     * {@code traffic} as local (VRAM, a BO) or remote (an SVM range in system memory).
     */
    private static LongPredicate allowed(GpuVm vm, boolean write, Traffic traffic) {
        GpuSvmRange[] last = {null};
        return page -> {
            if (last[0] != null && page >= last[0].start() && page < last[0].end()) {
                used(vm, last[0], page, traffic);
                return true;
            }
            if (vm.vaAt(page, GpuVa.Kind.BO) != null) {
                traffic.local++;
                return true;
            }
            GpuSvmRange r = vm.svm().rangeAt(page);
            last[0] = r == null || write && !r.writable() ? null : r;
            if (last[0] != null) {
                vm.svm().touch(r);
                used(vm, r, page, traffic);
            }
            return last[0] != null;
        };
    }

    /** Counts a page of an SVM range the access touches: for prefetch accounting and as local or remote traffic. */
    private static void used(GpuVm vm, GpuSvmRange r, long page, Traffic traffic) {
        vm.svm().touchPage(r, page);
        if (r.devmem()) {
            traffic.local++;
        } else {
            traffic.remote++;
        }
    }

    /**
     * Checks a stamp command ({@link accelmm.api.mm.Stamps#checkPages}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for one that is not whole pages or carries bad stamps
     */
    private static void checkStamps(XeCmd c) {
        if (c.op() == XeCmd.Op.STORE_STAMPS || c.op() == XeCmd.Op.LOAD_STAMPS) {
            accelmm.api.mm.Stamps.checkPages(c.va(), c.length(), c.op() != XeCmd.Op.STORE_STAMPS ? null
                    : c.data() == null ? new byte[0] : c.data());
        }
    }

    /** Increments the little-endian u32 at {@code va} if its pages are mapped writable; under the device lock. */
    private static boolean atomicInc(GpuVm vm, DeviceContext dev, long va, Traffic traffic) {
        byte[] v = new byte[4];
        LongPredicate writable = allowed(vm, true, traffic);
        if (GpuAccess.bytes(dev.memoryManager(), vm.pgtable(), va, v, 0, 4, false, writable) < 4) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, b.getInt(0) + 1);
        GpuAccess.bytes(dev.memoryManager(), vm.pgtable(), va, v, 0, 4, true, writable);
        return true;
    }

    @Override
    public boolean migrateToRam(DeviceContext dev, AddressSpace mm, long addr) {
        dev.count("xe.migrate_to_ram", 1);
        return dev.gpuSvms().migrateToRam(mm, addr);
    }

    /**
     * Evicts the least recently used range in VRAM of any VM, other than the one at {@code keep} in
     * {@code self} (none if {@code self} is null); with no such range, moves the VRAM BO bound
     * longest ago to system memory; false if there is neither.
     */
    static boolean evictLeastRecentlyUsed(DeviceContext dev, GpuSvm self, long keep) {
        if (dev.gpuSvms().evictLeastRecentlyUsed(self, keep)) {
            return true;
        }
        dev.lock().lock();
        try {
            GemObject bo = XeBos.victim(dev);
            if (bo == null) {
                return false;
            }
            XeBos.evictToSystem(dev, bo);
            dev.count("policy.victims", 1);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOMEM) {
                throw e;
            }
            return false;
        } finally {
            dev.lock().unlock();
        }
    }

    @Override
    public void release(DeviceFile file) {
        List<GpuVm> mine = new ArrayList<>();
        XeVm.all(file.device()).forEach((id, vm) -> {
            if (vm != null && vm.file() == file) {
                mine.add(vm);
            }
            return 0;
        });
        for (GpuVm vm : mine) {
            destroy(file, vm);
        }
        List<Runnable> after = new ArrayList<>();
        file.device().lock().lock();
        try {
            XeBos.closeAll(file, after);
        } finally {
            file.device().lock().unlock();
        }
        after.forEach(Runnable::run);
    }
}
