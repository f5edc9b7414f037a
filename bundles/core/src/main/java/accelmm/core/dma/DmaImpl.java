package accelmm.core.dma;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.PageSize;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufInfo;
import accelmm.api.dma.DmaBufOps;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.DmaHeapIoctl;
import accelmm.api.dma.PciTopology;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.FdTable;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.Prot;
import accelmm.core.diag.CoreDiagnostics;

/**
 * The {@link Dma} service: DMA devices by name with their PCI positions, and the live dma-bufs.
 *
 * <p>Concurrency: the device table is guarded by this object; buffers are in a concurrent map and
 * lock themselves.
 */
@Component(service = Dma.class, configurationPid = "accelmm.core.dma")
@Designate(ocd = DmaConfig.class)
public final class DmaImpl implements Dma {
    /** The file a dma-buf descriptor refers to; its last close drops the export's reference. */
    private record DmaBufFile(DmaBufImpl buf, int accessMode) implements AutoCloseable {
        @Override
        public void close() {
            buf.put();
        }

        @Override
        public String toString() {
            return "anon_inode:dmabuf:" + buf.inode();
        }
    }

    /** An open dma-buf heap ({@code /dev/dma_heap/NAME}). */
    private record HeapFile(String name) implements AutoCloseable {
        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "/dev/dma_heap/" + name;
        }
    }

    private final MemoryManager memory;
    private final CoreDiagnostics diag;
    private final Set<String> p2pHostBridges;
    private final Map<String, DmaDeviceImpl> devices = new TreeMap<>();
    private final Map<String, String> positions = new LinkedHashMap<>();
    private final Map<Long, DmaBufImpl> bufs = new ConcurrentSkipListMap<>();
    private final AtomicLong inodes = new AtomicLong();
    private PciTopology topology = new PciTopologyImpl(Map.of(), Set.of());
    private final SystemHeap systemHeap;

    /** Creates the service from its configuration. */
    @Activate
    public DmaImpl(@Reference MemoryManager memory, DmaConfig config) {
        this(memory, CoreDiagnostics.shared(), Set.of(config.p2pHostBridges()));
    }

    /** Creates the service (tests and benchmarks). */
    public DmaImpl(MemoryManager memory, CoreDiagnostics diag, Set<String> p2pHostBridges) {
        this.memory = memory;
        this.diag = diag;
        this.p2pHostBridges = Set.copyOf(p2pHostBridges);
        this.systemHeap = new SystemHeap(memory, this);
    }

    @Override
    public synchronized DmaDevice createDevice(String name, long maxSegSize, String pciPosition) {
        if (name == null || name.isEmpty()) {
            throw Errno.EINVAL.exception("a DMA device needs a name");
        }
        if (devices.containsKey(name)) {
            throw Errno.EEXIST.exception("DMA device " + name + " exists");
        }
        DmaDeviceImpl d = new DmaDeviceImpl(name, maxSegSize, memory);
        if (pciPosition != null) {
            Map<String, String> next = new LinkedHashMap<>(positions);
            next.put(name, pciPosition);
            topology = new PciTopologyImpl(next, p2pHostBridges);
            positions.put(name, pciPosition);
        }
        devices.put(name, d);
        return d;
    }

    @Override
    public synchronized void removeDevice(DmaDevice device) {
        DmaDeviceImpl d = device == null ? null : devices.get(device.name());
        if (d == null || d != device) {
            throw Errno.ENODEV.exception("not a DMA device of this service");
        }
        if (d.mappings() > 0) {
            throw Errno.EBUSY.exception(d.name() + " has " + d.mappings() + " mapped tables");
        }
        d.markRemoved();
        devices.remove(d.name());
        if (positions.remove(d.name()) != null) {
            topology = new PciTopologyImpl(positions, p2pHostBridges);
        }
    }

    @Override
    public synchronized DmaDevice device(String name) {
        DmaDeviceImpl d = devices.get(name);
        if (d == null) {
            throw Errno.ENODEV.exception("no DMA device " + name);
        }
        return d;
    }

    @Override
    public synchronized PciTopology topology() {
        return topology;
    }

    @Override
    public DmaBuf export(String exporter, long size, Object priv, DmaBufOps ops) {
        if (priv == null || ops == null) {
            throw Errno.EINVAL.exception("an export needs a private object and operations");
        }
        if (ops.map() == null || ops.unmap() == null || ops.release() == null) {
            throw Errno.EINVAL.exception("map, unmap and release are mandatory");
        }
        if ((ops.pin() == null) != (ops.unpin() == null)) {
            throw Errno.EINVAL.exception("pin and unpin come together");
        }
        if (ops.cacheSgtMapping() && ops.dynamic()) {
            throw Errno.EINVAL.exception("a dynamic exporter cannot cache mappings");
        }
        if (size < 1) {
            throw Errno.EINVAL.exception("dma-buf size " + size);
        }
        long inode = inodes.incrementAndGet();
        DmaBufImpl buf = new DmaBufImpl(inode, exporter == null ? "?" : exporter, size, priv, ops,
                () -> bufs.remove(inode), diag.warnings());
        bufs.put(inode, buf);
        return buf;
    }

    @Override
    public int fd(DmaBuf buf, FdTable table, int flags) {
        if ((flags & ~(O_RDWR | O_CLOEXEC)) != 0) {
            throw Errno.EINVAL.exception("descriptor flags 0x" + Integer.toHexString(flags));
        }
        return install(buf, table, flags);
    }

    private int install(DmaBuf buf, FdTable table, int flags) {
        if (!(buf instanceof DmaBufImpl b) || bufs.get(b.inode()) != b || table == null) {
            throw Errno.EINVAL.exception("not a dma-buf of this service");
        }
        synchronized (b) {
            if (b.accessMode < 0) {
                b.accessMode = flags & O_ACCMODE;
            }
            return table.install(new DmaBufFile(b, b.accessMode));
        }
    }

    @Override
    public DmaBuf get(FdTable table, int fd) {
        if (table == null) {
            throw Errno.EINVAL.exception("no descriptor table");
        }
        AutoCloseable file = table.get(fd);
        if (!(file instanceof DmaBufFile f)) {
            throw Errno.EINVAL.exception("descriptor " + fd + " is not a dma-buf");
        }
        if (!f.buf().tryGet()) {
            throw Errno.EBADF.exception("descriptor " + fd + " was closed");
        }
        return f.buf();
    }

    private DmaBufFile dmaBufFile(FdTable table, int fd, Errno notDmaBuf) {
        if (table == null) {
            throw Errno.EINVAL.exception("no descriptor table");
        }
        if (!(table.get(fd) instanceof DmaBufFile f)) {
            throw notDmaBuf.exception("descriptor " + fd + " is not a dma-buf");
        }
        return f;
    }

    @Override
    public long mmap(FdTable table, int fd, AddressSpace mm, long addr, long length, int prot, int flags, long offset) {
        DmaBufFile f = dmaBufFile(table, fd, Errno.EINVAL);
        DmaBufImpl.checkMmapArgs(length, offset);
        if (f.accessMode() == O_WRONLY) {
            throw Errno.EACCES.exception("descriptor " + fd + " is open for writing only");
        }
        if ((flags & MapFlags.SHARED) != 0 && (prot & Prot.WRITE) != 0 && f.accessMode() != O_RDWR) {
            throw Errno.EACCES.exception("descriptor " + fd + " is read-only: no shared writable mapping");
        }
        return f.buf().mmap(mm, addr, length, prot, flags, offset, f.accessMode() == O_RDWR);
    }

    @Override
    public void sync(FdTable table, int fd, long flags) {
        dmaBufFile(table, fd, Errno.ENOTTY).buf().sync(flags);
    }

    @Override
    public List<String> heaps() {
        return List.of(SystemHeap.NAME);
    }

    @Override
    public int heapOpen(FdTable table, String heap) {
        if (table == null) {
            throw Errno.EINVAL.exception("no descriptor table");
        }
        if (!SystemHeap.NAME.equals(heap)) {
            throw Errno.ENOENT.exception("no dma-buf heap " + heap + "; heaps: " + heaps());
        }
        return table.install(new HeapFile(heap));
    }

    @Override
    public void heapIoctl(FdTable table, int heapFd, int cmd, byte[] arg) {
        if (table == null || arg == null) {
            throw Errno.EINVAL.exception("no descriptor table or argument");
        }
        if (!(table.get(heapFd) instanceof HeapFile)) {
            throw Errno.ENOTTY.exception("descriptor " + heapFd + " is not a dma-buf heap");
        }
        if (DmaHeapIoctl.nr(cmd) != DmaHeapIoctl.nr(DmaHeapIoctl.ALLOC)) {
            throw Errno.EINVAL.exception("dma-buf heaps have no ioctl number " + DmaHeapIoctl.nr(cmd));
        }
        int userSize = DmaHeapIoctl.size(cmd);
        if (arg.length < userSize) {
            throw Errno.EFAULT.exception("the struct holds " + arg.length + " bytes, the command says " + userSize);
        }
        int common = DmaHeapIoctl.dir(cmd) & DmaHeapIoctl.dir(DmaHeapIoctl.ALLOC);
        int inSize = (common & DmaHeapIoctl.IOC_WRITE) != 0 ? userSize : 0;
        int outSize = (common & DmaHeapIoctl.IOC_READ) != 0 ? userSize : 0;
        ByteBuffer k = ByteBuffer.allocate(Math.max(userSize, DmaHeapIoctl.ALLOC_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        k.put(0, arg, 0, inSize);
        if (k.getInt(8) != 0) {
            throw Errno.EINVAL.exception("the fd field must be 0 on entry");
        }
        int fd = allocate(table, k.getLong(0), k.getInt(12), k.getLong(16));
        k.putInt(8, fd);
        k.get(0, arg, 0, outSize);
    }

    @Override
    public int heapAlloc(FdTable table, int heapFd, long len, int fdFlags, long heapFlags) {
        byte[] arg = DmaHeapIoctl.allocData(DmaHeapIoctl.ALLOC_SIZE, len, fdFlags, heapFlags);
        heapIoctl(table, heapFd, DmaHeapIoctl.ALLOC, arg);
        return DmaHeapIoctl.fd(arg);
    }

    /** {@code dma_heap_ioctl_allocate} and {@code dma_heap_buffer_alloc}. */
    private int allocate(FdTable table, long len, int fdFlags, long heapFlags) {
        if ((fdFlags & ~(O_CLOEXEC | O_ACCMODE)) != 0) {
            throw Errno.EINVAL.exception("descriptor flags 0x" + Integer.toHexString(fdFlags));
        }
        if (heapFlags != 0) {
            throw Errno.EINVAL.exception("heap flags 0x" + Long.toHexString(heapFlags) + ": none are defined");
        }
        long aligned = (len + PageSize.PAGE_SIZE - 1) & PageSize.PAGE_MASK;
        if (aligned == 0) {
            throw Errno.EINVAL.exception("a heap buffer of " + Long.toUnsignedString(len) + " bytes rounds to 0 pages");
        }
        DmaBuf buf = systemHeap.allocate(aligned);
        try {
            return install(buf, table, fdFlags);
        } catch (ErrnoException e) {
            buf.put();
            throw e;
        }
    }

    @Override
    public SgTable sgFromPages(long[] pfns, int offset, long size, long maxSegment) {
        return Scatterlist.fromPages(pfns, offset, size, maxSegment);
    }

    @Override
    public SgTable sgAppendFromPages(SgTable prev, long[] pfns, int offset, long size, long maxSegment) {
        if (pfns == null) {
            throw Errno.EINVAL.exception("no pages");
        }
        return Scatterlist.append(prev, pfns, offset, size, maxSegment);
    }

    @Override
    public SgTable dmaOnlyFromDevicePages(long[] pageAddrs, long pageSize, long exportSize, long dmaMaxSegSize) {
        return Scatterlist.dmaOnlyFromDevicePages(pageAddrs, pageSize, exportSize, dmaMaxSegSize);
    }

    @Override
    public List<DmaBufInfo> bufs() {
        List<DmaBufInfo> out = new ArrayList<>();
        for (DmaBufImpl b : bufs.values()) {
            out.add(b.info());
        }
        return out;
    }

    @Override
    public synchronized List<String> devices() {
        return List.copyOf(devices.keySet());
    }
}
