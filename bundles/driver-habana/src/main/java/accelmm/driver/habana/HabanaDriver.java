package accelmm.driver.habana;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceAlloc;
import accelmm.api.device.DeviceContext;
import accelmm.api.device.DeviceMapping;
import accelmm.api.device.IoctlTable;
import accelmm.api.device.Request;
import accelmm.api.device.ExportWindow;
import accelmm.api.device.DeviceDriver;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceFile;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.Block;
import accelmm.api.mm.BuddyFlags;
import accelmm.api.mm.GupFlags;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.DrmMmNode;
import accelmm.api.mmu.IommuProt;
import accelmm.api.mmu.IotlbGather;
import accelmm.api.uapi.habana.Hl;
import accelmm.api.uapi.habana.HlAddress;
import accelmm.api.uapi.habana.HlAllocMemory;
import accelmm.api.uapi.habana.HlDeviceRead;
import accelmm.api.uapi.habana.HlDeviceWrite;
import accelmm.api.uapi.habana.HlDmabufRead;
import accelmm.api.uapi.habana.HlDmabufWrite;
import accelmm.api.uapi.habana.HlExportDmabuf;
import accelmm.api.uapi.habana.HlFreeMemory;
import accelmm.api.uapi.habana.HlHandle;
import accelmm.api.uapi.habana.HlIoctl;
import accelmm.api.uapi.habana.HlMapHost;
import accelmm.api.uapi.habana.HlMapMemory;
import accelmm.api.uapi.habana.HlSetOperational;
import accelmm.api.uapi.habana.HlUnmapMemory;

/**
 * The Habana Labs driver: device DRAM in physical page packs, mapped at device virtual addresses,
 * host memory pinned for the device, and dma-buf export of DRAM to peers, with the validation order
 * of {@code drivers/accel/habanalabs/common/memory.c}. User-triggered errors are not logged.
 *
 * <p>Concurrency: memory operations of a device hold its lock (kept in the device state, so it
 * survives driver updates); DMA runs outside it.
 */
@Component(service = DeviceDriver.class, property = DeviceDriver.KIND + "=habana")
public final class HabanaDriver implements DeviceDriver {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private static final IoctlTable IOCTLS = IoctlTable.builder("Habana", HlIoctl.class)
            .on(HlSetOperational.class, (file, o) -> {
                new HlState(file.device()).operational(o.operational());
                return null;
            })
            .on(HlDmabufRead.class, (file, r) -> {
                new HlState(file.device()).requireOperational();
                return HlImport.read(file, r.fd(), r.offset(), r.length());
            })
            .on(HlDmabufWrite.class, (file, w) -> {
                new HlState(file.device()).requireOperational();
                HlImport.write(file, w.fd(), w.offset(), w.data());
                return null;
            })
            .on(HlDeviceRead.class, (file, r) -> {
                byte[] out = new byte[Math.max(0, r.length())];
                HlDeviceAccess.move(new HlState(file.device()), file.process().pid(), r.deviceVa(), out, false);
                return out;
            })
            .on(HlDeviceWrite.class, (file, w) -> {
                HlDeviceAccess.move(new HlState(file.device()), file.process().pid(), w.deviceVa(), w.data(), true);
                return null;
            })
            .on(HlAllocMemory.class, memoryOp((file, st, a) -> alloc(file, st, a.size(), a.contiguous())))
            .on(HlFreeMemory.class, memoryOp((file, st, f) -> {
                free(file, st, f.handle());
                return null;
            }))
            .on(HlMapMemory.class, memoryOp((file, st, m) -> map(file, st, m.handle())))
            .on(HlMapHost.class, memoryOp((file, st, h) -> mapHost(file, st, h.hostAddress(), h.size())))
            .on(HlUnmapMemory.class, memoryOp((file, st, u) -> {
                unmap(file, st, u.deviceVa());
                return null;
            }))
            .on(HlExportDmabuf.class, memoryOp((file, st, x) -> HlExport.export(file, st, x)))
            .build();

    /** A memory operation: refused while the device resets, and serialized by the device lock. */
    private interface MemoryOp<Q, R> {
        R run(DeviceFile file, HlState st, Q request);
    }

    private static <Q, R> IoctlTable.Handler<Q, R> memoryOp(MemoryOp<Q, R> op) {
        return (file, request) -> {
            HlState st = new HlState(file.device());
            st.requireOperational();
            return IoctlTable.<Q, R>underDeviceLock((f, q, after) -> op.run(f, st, q)).handle(file, request);
        };
    }

    @Override
    public <R> R ioctl(DeviceFile file, Request<R> request) {
        return IOCTLS.dispatch(file, request);
    }

    // ---- device memory ------------------------------------------------------------------------

    private static HlHandle alloc(DeviceFile file, HlState st, long size, boolean contiguous) {
        long page = st.pageSize();
        if (size <= 0 || size > st.dramSize()) {
            throw Errno.EINVAL.exception("allocation size " + size);
        }
        long total = (size + page - 1) / page * page;
        boolean contig = contiguous || !st.mmu();
        long start = st.mmu() ? 0 : Hl.DRAM_USER_BASE - Hl.DRAM_BASE;
        List<Block> blocks;
        try {
            blocks = file.device().allocBlocks(start, st.dramSize(), total, page,
                    BuddyFlags.RANGE | (contig ? BuddyFlags.CONTIGUOUS : 0));
        } catch (ErrnoException e) {
            throw Errno.ENOMEM.exception("no " + total + " bytes of DRAM: " + e.getMessage());
        }
        int handle = st.packs().alloc(new DeviceAlloc(file, total, page, blocks), 1, 0);
        file.device().count("habana.alloc", 1);
        if (!st.mmu()) {
            long phys = Hl.DRAM_BASE + blocks.get(0).offset();
            st.physHandles().put(phys, (long) handle);
            return new HlHandle(phys);
        }
        return new HlHandle(handle);
    }

    /** Finds an allocation of the calling file by handle (or by physical address without MMU). */
    static DeviceAlloc ownedPack(DeviceFile file, HlState st, long handle) {
        long h = handle;
        if (!st.mmu()) {
            Long byPhys = st.physHandles().get(handle);
            if (byPhys == null) {
                throw Errno.EINVAL.exception("no allocation at 0x" + Long.toHexString(handle));
            }
            h = byPhys;
        }
        DeviceAlloc pack = st.packs().find(HlState.handle32(h));
        if (pack == null || pack.file() != file) {
            throw Errno.EINVAL.exception("no memory handle " + handle);
        }
        return pack;
    }

    private static void free(DeviceFile file, HlState st, long handle) {
        DeviceAlloc pack = ownedPack(file, st, handle);
        if (pack.maps() > 0) {
            throw Errno.EINVAL.exception("handle " + handle + " is mapped");
        }
        freePack(st, pack, st.mmu() ? handle : st.physHandles().remove(handle));
    }

    private static void freePack(HlState st, DeviceAlloc pack, long handle) {
        st.packs().remove(handle);
        st.dev.freeBlocks(pack.blocks());
        st.dev.count("habana.free", 1);
    }

    private static HlAddress map(DeviceFile file, HlState st, long handle) {
        if (!st.mmu()) {
            throw Errno.EINVAL.exception("device memory has no virtual addresses on " + st.dev.name());
        }
        DeviceAlloc pack = ownedPack(file, st, handle);
        long size = pack.size();
        long page = pack.pageSize();
        DrmMmNode node;
        try {
            node = st.dramVa().insertNode(size, page, 0, Hl.DRAM_VA_BASE, Hl.DRAM_VA_BASE + (1L << 42), DrmMm.Mode.LOW);
        } catch (ErrnoException e) {
            throw Errno.ENOMEM.exception("no device virtual addresses left");
        }
        long va = node.start();
        long pgsize = (st.pgtable().pgsizeBitmap() & page) != 0 ? page : PAGE;
        long at = va;
        try {
            for (long o : pack.pageOffsets()) {
                st.pgtable().mapPages(at, PhysAddr.of(st.dev.memory().id(), 0, o), pgsize, page / pgsize,
                        IommuProt.READ | IommuProt.WRITE);
                at += page;
            }
        } catch (ErrnoException e) {
            st.pgtable().unmapPages(va, pgsize, (at - va) / pgsize, new IotlbGather());
            st.dramVa().removeNode(node);
            throw e;
        }
        pack.addMaps(1);
        st.mappings().put(va, new DeviceMapping(file, handle, va, size, pgsize, null, null));
        st.dev.count("habana.map", 1);
        return new HlAddress(va);
    }

    private static HlAddress mapHost(DeviceFile file, HlState st, long addr, long size) {
        if (size <= 0) {
            throw Errno.EINVAL.exception("size " + size);
        }
        long end = addr + size;
        long alignedEnd = (end + PAGE - 1) & ~(PAGE - 1);
        if (addr < 0 || end < addr || alignedEnd < end || alignedEnd < 0) {
            throw Errno.EINVAL.exception("[0x" + Long.toHexString(addr) + ", +" + size + ") wraps");
        }
        long first = addr & ~(PAGE - 1);
        int pages = (int) ((alignedEnd - first) / PAGE);
        DeviceContext dev = file.device();
        PinnedPages pins = dev.pin(file, file.process().mm(), first, pages, GupFlags.WRITE);
        SgTable mapped = null;
        DrmMmNode node = null;
        try {
            mapped = dev.dmaMap(file, dev.dma().sgFromPages(pins.globalPfns(), 0, (long) pages * PAGE, dev.dmaDevice().maxSegSize()),
                    DmaDirection.BIDIRECTIONAL);
            node = st.hostVa().insertNode((long) pages * PAGE, PAGE, 0, Hl.HOST_VA_BASE, Hl.HOST_VA_BASE + (1L << 40),
                    DrmMm.Mode.LOW);
            st.pgtable().mapPages(node.start(), mapped.entries().get(0).dmaAddress(), PAGE, pages,
                    IommuProt.READ | IommuProt.WRITE);
        } catch (ErrnoException e) {
            if (node != null) {
                st.hostVa().removeNode(node);
            }
            if (mapped != null) {
                dev.dmaUnmap(file, mapped);
            }
            pins.unpin();
            throw e;
        }
        long va = node.start() + (addr - first);
        st.mappings().put(va, new DeviceMapping(file, Hl.MEM_HANDLE_INVALID, node.start(), (long) pages * PAGE, PAGE, pins, mapped));
        dev.count("habana.map_host", 1);
        return new HlAddress(va);
    }

    private static void unmap(DeviceFile file, HlState st, long va) {
        DeviceMapping m = st.mappings().get(va);
        if (m == null || m.file() != file) {
            throw Errno.EINVAL.exception("nothing is mapped at 0x" + Long.toHexString(va));
        }
        if (m.exports() > 0) {
            throw Errno.EINVAL.exception("failed to unmap 0x" + Long.toHexString(va) + ", memory is exported");
        }
        unmapLocked(st, va, m);
    }

    private static void unmapLocked(HlState st, long va, DeviceMapping m) {
        st.pgtable().unmapPages(m.start(), m.pageSize(), m.size() / m.pageSize(), new IotlbGather());
        st.mappings().remove(va);
        if (m.handle() == Hl.MEM_HANDLE_INVALID) {
            st.hostVa().removeNode(new DrmMmNode(m.start(), m.size(), 0));
            if (!m.file().closed()) {
                st.dev.dmaUnmap(m.file(), m.dma());
                m.pins().unpin();
            }
        } else {
            st.dramVa().removeNode(new DrmMmNode(m.start(), m.size(), 0));
            DeviceAlloc pack = st.packs().find(m.handle());
            if (pack != null) {
                pack.addMaps(-1);
            }
        }
        st.dev.count("habana.unmap", 1);
    }

    // ---- files and exports --------------------------------------------------------------------

    @Override
    public void release(DeviceFile file) {
        HlState st = new HlState(file.device());
        ReentrantLock lock = st.lock();
        lock.lock();
        try {
            st.closedFiles().add(file);
            for (Map.Entry<Long, DeviceMapping> e : List.copyOf(st.mappings().entrySet())) {
                if (e.getValue().file() == file && e.getValue().exports() == 0) {
                    unmapLocked(st, e.getKey(), e.getValue());
                }
            }
            reap(st);
        } finally {
            lock.unlock();
        }
    }

    /** Frees the unmapped allocations of closed files. */
    private static void reap(HlState st) {
        List<Long> handles = new ArrayList<>();
        st.packs().forEach((id, pack) -> {
            if (pack != null && pack.maps() == 0 && st.closedFiles().contains(pack.file())) {
                handles.add(id);
            }
            return 0;
        });
        for (long h : handles) {
            st.physHandles().values().remove(h);
            freePack(st, st.packs().find(h), h);
        }
        Set<DeviceFile> owners = new HashSet<>();
        st.packs().forEach((id, pack) -> {
            if (pack != null) {
                owners.add(pack.file());
            }
            return 0;
        });
        st.mappings().values().forEach(m -> owners.add(m.file()));
        st.closedFiles().retainAll(owners);
    }

    @Override
    public void dmaBufAttach(DeviceExport export, DmaBufAttachment attachment) {
        HlExport.attach(export, attachment);
    }

    @Override
    public SgTable dmaBufMap(DeviceExport export, DmaBufAttachment attachment, DmaDirection dir) {
        return HlExport.map(new HlState(export.device()), export, attachment);
    }

    @Override
    public void dmaBufRelease(DeviceExport export) {
        HlState st = new HlState(export.device());
        ReentrantLock lock = st.lock();
        lock.lock();
        try {
            ExportWindow x = st.exports().remove(export.cookie());
            if (x == null) {
                return;
            }
            DeviceMapping m = x.va() < 0 ? null : st.mappings().get(x.va());
            if (m != null) {
                m.addExports(-1);
                if (m.exports() == 0 && st.closedFiles().contains(m.file())) {
                    unmapLocked(st, x.va(), m);
                    reap(st);
                }
            }
            export.device().count("habana.export_release", 1);
        } finally {
            lock.unlock();
        }
    }
}
