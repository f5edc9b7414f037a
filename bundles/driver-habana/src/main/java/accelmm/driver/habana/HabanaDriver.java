package accelmm.driver.habana;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceContext;
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

    @Override
    public Object ioctl(DeviceFile file, Object request) {
        HlState st = new HlState(file.device());
        if (request instanceof HlSetOperational o) {
            file.device().state().put("operational", o.operational());
            return null;
        }
        if (request instanceof HlDmabufRead r) {
            st.requireOperational();
            return HlImport.read(file, r.fd(), r.offset(), r.length());
        }
        if (request instanceof HlDmabufWrite w) {
            st.requireOperational();
            HlImport.write(file, w.fd(), w.offset(), w.data());
            return null;
        }
        if (request instanceof HlDeviceRead r) {
            byte[] out = new byte[Math.max(0, r.length())];
            HlDeviceAccess.move(st, r.deviceVa(), out, false);
            return out;
        }
        if (request instanceof HlDeviceWrite w) {
            HlDeviceAccess.move(st, w.deviceVa(), w.data(), true);
            return null;
        }
        st.requireOperational();
        ReentrantLock lock = st.lock();
        lock.lock();
        try {
            if (request instanceof HlAllocMemory a) {
                return alloc(file, st, a.size(), a.contiguous());
            }
            if (request instanceof HlFreeMemory f) {
                free(file, st, f.handle());
                return null;
            }
            if (request instanceof HlMapMemory m) {
                return map(file, st, m.handle());
            }
            if (request instanceof HlMapHost h) {
                return mapHost(file, st, h.hostAddress(), h.size());
            }
            if (request instanceof HlUnmapMemory u) {
                unmap(file, st, u.deviceVa());
                return null;
            }
            if (request instanceof HlExportDmabuf x) {
                return HlExport.export(file, st, x);
            }
        } finally {
            lock.unlock();
        }
        throw Errno.ENOTTY.exception(request.getClass().getSimpleName() + " is not an ioctl of the Habana driver");
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
        long[] pack = new long[HlState.P_PAGES + 2 * blocks.size()];
        pack[HlState.P_FILE] = file.serial();
        pack[HlState.P_SIZE] = total;
        pack[HlState.P_PAGE] = page;
        for (int i = 0; i < blocks.size(); i++) {
            pack[HlState.P_PAGES + 2 * i] = blocks.get(i).offset();
            pack[HlState.P_PAGES + 2 * i + 1] = blocks.get(i).orderShift();
        }
        int handle = st.packs().alloc(pack, 1, 0);
        file.device().count("habana.alloc", 1);
        if (!st.mmu()) {
            long phys = Hl.DRAM_BASE + blocks.get(0).offset();
            physHandles(st).put(phys, (long) handle);
            return new HlHandle(phys);
        }
        return new HlHandle(handle);
    }

    @SuppressWarnings("unchecked")
    static Map<Long, Long> physHandles(HlState st) {
        return (Map<Long, Long>) st.dev.state().computeIfAbsent("physHandles", k -> new ConcurrentHashMap<Long, Long>());
    }

    /** The blocks of a pack. */
    static List<Block> blocks(long[] pack) {
        List<Block> out = new ArrayList<>();
        for (int i = HlState.P_PAGES; i < pack.length; i += 2) {
            out.add(new Block(pack[i], (int) pack[i + 1]));
        }
        return out;
    }

    /** The node offsets of a pack's device pages, in order. */
    static long[] pages(long[] pack) {
        List<Long> out = new ArrayList<>();
        for (Block b : blocks(pack)) {
            for (long o = b.offset(); o < b.end(); o += pack[HlState.P_PAGE]) {
                out.add(o);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Finds a pack of the calling file by handle (or by physical address without MMU). */
    static long[] ownedPack(DeviceFile file, HlState st, long handle) {
        long h = handle;
        if (!st.mmu()) {
            Long byPhys = physHandles(st).get(handle);
            if (byPhys == null) {
                throw Errno.EINVAL.exception("no allocation at 0x" + Long.toHexString(handle));
            }
            h = byPhys;
        }
        long[] pack = st.packs().find(HlState.handle32(h));
        if (pack == null || pack[HlState.P_FILE] != file.serial()) {
            throw Errno.EINVAL.exception("no memory handle " + handle);
        }
        return pack;
    }

    private static void free(DeviceFile file, HlState st, long handle) {
        long[] pack = ownedPack(file, st, handle);
        if (pack[HlState.P_MAPPED] > 0) {
            throw Errno.EINVAL.exception("handle " + handle + " is mapped");
        }
        freePack(st, pack, st.mmu() ? handle : physHandles(st).remove(handle));
    }

    private static void freePack(HlState st, long[] pack, long handle) {
        st.packs().remove(handle);
        st.dev.freeBlocks(blocks(pack));
        st.dev.count("habana.free", 1);
    }

    private static HlAddress map(DeviceFile file, HlState st, long handle) {
        if (!st.mmu()) {
            throw Errno.EINVAL.exception("device memory has no virtual addresses on " + st.dev.name());
        }
        long[] pack = ownedPack(file, st, handle);
        long size = pack[HlState.P_SIZE];
        long page = pack[HlState.P_PAGE];
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
            for (long o : pages(pack)) {
                st.pgtable().mapPages(at, PhysAddr.of(st.dev.memory().id(), 0, o), pgsize, page / pgsize,
                        IommuProt.READ | IommuProt.WRITE);
                at += page;
            }
        } catch (ErrnoException e) {
            st.pgtable().unmapPages(va, pgsize, (at - va) / pgsize, new IotlbGather());
            st.dramVa().removeNode(node);
            throw e;
        }
        pack[HlState.P_MAPPED]++;
        st.mappings().put(va, new long[] {file.serial(), handle, size, 0, va, pgsize});
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
        st.mappings().put(va, new long[] {file.serial(), Hl.MEM_HANDLE_INVALID, (long) pages * PAGE, 0, node.start(), PAGE});
        st.hostPins().put(va, new Object[] {pins, mapped});
        dev.count("habana.map_host", 1);
        return new HlAddress(va);
    }

    private static void unmap(DeviceFile file, HlState st, long va) {
        long[] m = st.mappings().get(va);
        if (m == null || m[HlState.M_FILE] != file.serial()) {
            throw Errno.EINVAL.exception("nothing is mapped at 0x" + Long.toHexString(va));
        }
        if (m[HlState.M_EXPORTS] > 0) {
            throw Errno.EINVAL.exception("failed to unmap 0x" + Long.toHexString(va) + ", memory is exported");
        }
        unmapLocked(st, file, va, m);
    }

    private static void unmapLocked(HlState st, DeviceFile file, long va, long[] m) {
        long start = m[HlState.M_VANODE];
        long pgsize = m[HlState.M_PGSIZE];
        st.pgtable().unmapPages(start, pgsize, m[HlState.M_SIZE] / pgsize, new IotlbGather());
        st.mappings().remove(va);
        if (m[HlState.M_HANDLE] == Hl.MEM_HANDLE_INVALID) {
            st.hostVa().removeNode(new DrmMmNode(start, m[HlState.M_SIZE], 0));
            Object[] held = st.hostPins().remove(va);
            if (held != null && file != null && !file.closed()) {
                st.dev.dmaUnmap(file, (SgTable) held[1]);
                ((PinnedPages) held[0]).unpin();
            }
        } else {
            st.dramVa().removeNode(new DrmMmNode(start, m[HlState.M_SIZE], 0));
            long[] pack = st.packs().find(m[HlState.M_HANDLE]);
            if (pack != null) {
                pack[HlState.P_MAPPED]--;
            }
        }
        st.dev.count("habana.unmap", 1);
    }

    // ---- files and exports --------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Set<Long> closedFiles(HlState st) {
        return (Set<Long>) st.dev.state().computeIfAbsent("closedFiles", k -> ConcurrentHashMap.<Long>newKeySet());
    }

    @Override
    public void release(DeviceFile file) {
        HlState st = new HlState(file.device());
        ReentrantLock lock = st.lock();
        lock.lock();
        try {
            closedFiles(st).add(file.serial());
            for (Map.Entry<Long, long[]> e : List.copyOf(st.mappings().entrySet())) {
                if (e.getValue()[HlState.M_FILE] == file.serial() && e.getValue()[HlState.M_EXPORTS] == 0) {
                    unmapLocked(st, file, e.getKey(), e.getValue());
                }
            }
            reap(st);
        } finally {
            lock.unlock();
        }
    }

    /** Frees the unmapped packs of closed files. */
    private static void reap(HlState st) {
        List<Long> handles = new ArrayList<>();
        st.packs().forEach((id, pack) -> {
            if (pack != null && pack[HlState.P_MAPPED] == 0 && closedFiles(st).contains(pack[HlState.P_FILE])) {
                handles.add(id);
            }
            return 0;
        });
        for (long h : handles) {
            physHandles(st).values().remove(h);
            freePack(st, st.packs().find(h), h);
        }
        java.util.Set<Long> owners = new java.util.HashSet<>();
        st.packs().forEach((id, pack) -> {
            if (pack != null) {
                owners.add(pack[HlState.P_FILE]);
            }
            return 0;
        });
        st.mappings().values().forEach(m -> owners.add(m[HlState.M_FILE]));
        closedFiles(st).retainAll(owners);
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
            long[] x = st.exports().remove(export.cookie());
            if (x == null) {
                return;
            }
            long[] m = x[HlExport.X_VA] < 0 ? null : st.mappings().get(x[HlExport.X_VA]);
            if (m != null) {
                m[HlState.M_EXPORTS]--;
                if (m[HlState.M_EXPORTS] == 0 && closedFiles(st).contains(m[HlState.M_FILE])) {
                    unmapLocked(st, null, x[HlExport.X_VA], m);
                    reap(st);
                }
            }
            export.device().count("habana.export_release", 1);
        } finally {
            lock.unlock();
        }
    }

    /** Returns a new export key. */
    static long nextExportKey(HlState st) {
        return ((AtomicLong) st.dev.state().computeIfAbsent("exportSeq", k -> new AtomicLong())).incrementAndGet();
    }
}
