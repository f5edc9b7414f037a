package accelmm.driver.habana;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.device.DeviceAlloc;
import accelmm.api.device.DeviceExport;
import accelmm.api.device.DeviceMapping;
import accelmm.api.device.ExportWindow;
import accelmm.api.device.DeviceFile;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.SgEntry;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.PhysAddr;
import accelmm.api.uapi.habana.Hl;
import accelmm.api.uapi.habana.HlExportDmabuf;

/**
 * dma-buf export of device DRAM ({@code export_dmabuf_from_addr} and the exporter operations):
 * the validation order of the merged driver, the export count of the mapping, p2p at attach, and
 * DMA-only tables chunked by the importer's segment limit.
 *
 * <p>Concurrency: {@link #export} runs under the device lock; the exporter operations read the
 * export record, which never changes.
 */
final class HlExport {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private HlExport() {
    }

    /** Validates, exports, and installs the descriptor; returns it. */
    static Integer export(DeviceFile file, HlState st, HlExportDmabuf x) {
        ExportWindow record = st.mmu() ? checkMmu(file, st, x) : checkNoMmu(st, x);
        long key = st.nextExportKey();
        st.exports().put(key, record);
        DeviceExport e;
        try {
            e = file.device().exportDmaBuf(file, x.size(), key);
        } catch (ErrnoException ex) {
            undo(st, key);
            throw ex;
        }
        try {
            int fd = file.device().dma().fd(e.dmaBuf(), file.process().fds(), x.flags());
            file.device().count("habana.export", 1);
            return fd;
        } catch (ErrnoException ex) {
            e.dmaBuf().put();
            throw ex;
        }
    }

    private static void undo(HlState st, long key) {
        ExportWindow r = st.exports().remove(key);
        DeviceMapping m = r == null || r.va() < 0 ? null : st.mappings().get(r.va());
        if (m != null) {
            m.addExports(-1);
        }
    }

    private static void common(long addr, long size) {
        if ((addr & (PAGE - 1)) != 0) {
            throw Errno.EINVAL.exception("address 0x" + Long.toHexString(addr) + " is not page aligned");
        }
        if (size < PAGE) {
            throw Errno.EINVAL.exception("size " + size + " is below one page");
        }
    }

    private static ExportWindow checkMmu(DeviceFile file, HlState st, HlExportDmabuf x) {
        DeviceMapping m = st.mappings().get(x.addr());
        if (m == null || m.file() != file) {
            throw Errno.EINVAL.exception("0x" + Long.toHexString(x.addr()) + " is not the start of a mapping");
        }
        long handle = m.handle();
        if ((handle >>> 32) != 0) {
            throw Errno.EINVAL.exception("the mapping's handle has upper bits set: it is not device memory");
        }
        m.addExports(1);
        try {
            DeviceAlloc pack = st.packs().find(handle);
            if (pack == null) {
                throw Errno.EINVAL.exception("no memory behind handle " + handle);
            }
            common(x.addr() + x.offset(), x.size());
            long end = x.offset() + x.size();
            if (x.offset() < 0 || end < x.offset() || end > pack.size()) {
                throw Errno.EINVAL.exception("offset " + Long.toUnsignedString(x.offset()) + " + size "
                        + Long.toUnsignedString(x.size()) + " is beyond the " + pack.size() + "-byte allocation");
            }
            for (long o : pack.pageOffsets()) {
                if (o + pack.pageSize() > st.barSize()) {
                    throw Errno.EINVAL.exception("a page at DRAM offset 0x" + Long.toHexString(o) + " is outside the PCI BAR");
                }
            }
            return new ExportWindow(x.addr(), handle, x.offset(), x.size());
        } catch (ErrnoException e) {
            m.addExports(-1);
            throw e;
        }
    }

    private static ExportWindow checkNoMmu(HlState st, HlExportDmabuf x) {
        if (x.offset() != 0) {
            throw Errno.EINVAL.exception("an offset needs DRAM virtual memory");
        }
        common(x.addr(), x.size());
        long end = x.addr() + x.size();
        if (x.addr() < Hl.DRAM_USER_BASE || end > Hl.DRAM_BASE + st.dramSize() || end < x.addr()) {
            throw Errno.EINVAL.exception("[0x" + Long.toHexString(x.addr()) + ", +" + Long.toUnsignedString(x.size())
                    + ") is outside user DRAM");
        }
        long bar = x.addr() - Hl.DRAM_BASE;
        if (bar + x.size() > st.barSize() || bar + x.size() < bar) {
            throw Errno.EINVAL.exception("the range is outside the PCI BAR");
        }
        return new ExportWindow(-1, -1, x.addr(), x.size());
    }

    /** Clears peer2peer when the importer cannot reach this device over PCI. */
    static void attach(DeviceExport export, DmaBufAttachment a) {
        int distance;
        try {
            distance = export.device().dma().topology().p2pDistance(export.device().name(), a.device().name());
        } catch (ErrnoException e) {
            distance = -1;
        }
        if (distance < 0) {
            a.clearPeer2peer();
        }
    }

    /** A DMA-only table of the exported range, chunked by the importer's segment limit. */
    static SgTable map(HlState st, DeviceExport export, DmaBufAttachment a) {
        if (!a.peer2peer()) {
            throw Errno.EPERM.exception(a.device().name() + " cannot reach " + export.device().name() + " peer to peer");
        }
        ExportWindow x = st.exports().get(export.cookie());
        if (x == null) {
            throw Errno.ENOENT.exception("the export is gone");
        }
        int node = st.dev.memory().id();
        if (x.va() < 0) {
            long bus = PhysAddr.of(node, 0, x.offset() - Hl.DRAM_BASE);
            return st.dev.dma().dmaOnlyFromDevicePages(new long[] {bus}, x.size(), x.size(), a.device().maxSegSize());
        }
        DeviceAlloc pack = st.packs().find(x.handle());
        long page = pack.pageSize();
        long[] all = pack.pageOffsets();
        int first = (int) (x.offset() / page);
        long skip = x.offset() % page;
        long[] bus = new long[all.length - first];
        for (int i = 0; i < bus.length; i++) {
            bus[i] = PhysAddr.of(node, 0, all[first + i]);
        }
        SgTable t = st.dev.dma().dmaOnlyFromDevicePages(bus, page, x.size() + skip, a.device().maxSegSize());
        return skip == 0 ? t : trimFront(t, skip);
    }

    /** Drops the first {@code skip} bytes of a DMA-only table. */
    private static SgTable trimFront(SgTable t, long skip) {
        List<SgEntry> out = new ArrayList<>();
        long left = skip;
        for (SgEntry e : t.entries()) {
            if (left >= e.length()) {
                left -= e.length();
                continue;
            }
            out.add(new SgEntry(-1, 0, e.length() - left, e.dmaAddress() + left));
            left = 0;
        }
        return new SgTable(out, 0);
    }
}
