package accelmm.shell.mm;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.cli.Args;
import accelmm.api.cli.Usage;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufInfo;
import accelmm.api.dma.SgEntry;
import accelmm.api.dma.SgTable;
import accelmm.api.dma.Vgem;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.MmProcess;
import accelmm.shell.format.Rows;

/**
 * DMA commands (scope {@code mm}): the DMA devices and the live dma-bufs; dma-buf heap
 * allocation, a process's mmap and CPU-access brackets of a dma-buf; and the vgem importer, which
 * attaches, maps, reads and writes any dma-buf by DMA.
 *
 * <p>Concurrency: each command runs on the caller's thread; the service locks itself.
 */
@Component(service = DmaCommands.class, property = {
    "osgi.command.scope=mm",
    "osgi.command.function=dma",
    "osgi.command.function=dmabuf",
    "osgi.command.function=heap_alloc",
    "osgi.command.function=dmabuf_mmap",
    "osgi.command.function=dmabuf_sync",
    "osgi.command.function=vgem_open",
    "osgi.command.function=vgem_import",
    "osgi.command.function=vgem_read",
    "osgi.command.function=vgem_write",
    "osgi.command.function=vgem_close"
})
public final class DmaCommands {
    private final Dma dma;
    private final MemoryManager memory;
    private final Vgem vgem;

    /** Creates the commands over the DMA service, the memory manager and the vgem importer. */
    @Activate
    public DmaCommands(@Reference Dma dma, @Reference MemoryManager memory, @Reference Vgem vgem) {
        this.dma = dma;
        this.memory = memory;
        this.vgem = vgem;
    }

    private MmProcess process(String pid) {
        return memory.process(Args.pid(pid));
    }

    /**
     * Allocates a buffer from a dma-buf heap, as a process opening {@code /dev/dma_heap/NAME} and
     * calling {@code DMA_HEAP_IOCTL_ALLOC}; the heap's descriptor is closed again.
     *
     * @throws accelmm.api.ErrnoException as {@link Dma#heapAlloc}
     */
    @Descriptor("allocate a zeroed dma-buf from a heap (DMA_HEAP_IOCTL_ALLOC); prints its descriptor")
    public String heap_alloc(
            @Descriptor("the heap") @Parameter(names = {"--heap"}, absentValue = "system") String heap,
            @Descriptor("access mode of the descriptor: rw, ro or wo") @Parameter(names = {"-m", "--mode"}, absentValue = "rw") String mode,
            @Descriptor("process id") String pid,
            @Descriptor("length in bytes (suffix k, m or g allowed), rounded up to pages") String length) {
        int flags = switch (mode) {
            case "rw" -> Dma.O_RDWR;
            case "ro" -> Dma.O_RDONLY;
            case "wo" -> Dma.O_WRONLY;
            default -> throw Errno.EINVAL.exception("modes are rw, ro or wo: " + mode);
        };
        MmProcess p = process(pid);
        long len = Args.size("length", length, 1);
        int h = dma.heapOpen(p.fds(), heap);
        try {
            return "fd " + dma.heapAlloc(p.fds(), h, len, flags | Dma.O_CLOEXEC, 0);
        } finally {
            p.fds().close(h);
        }
    }

    /**
     * Maps a dma-buf descriptor into a process.
     *
     * @throws accelmm.api.ErrnoException as {@link Dma#mmap}
     */
    @Descriptor("map a dma-buf descriptor into a process (mmap on the descriptor); prints the address")
    public String dmabuf_mmap(
            @Descriptor("protection: any of r, w, x, or - for none") @Parameter(names = {"-p", "--prot"}, absentValue = "rw") String prot,
            @Descriptor("map private (copy-on-write) instead of shared") @Parameter(names = {"--private"}, presentValue = "true", absentValue = "false") boolean priv,
            @Descriptor("offset into the buffer, page aligned") @Parameter(names = {"-o", "--offset"}, absentValue = "0") String offset,
            @Descriptor("process id") String pid, @Descriptor("the dma-buf descriptor") String fd,
            @Descriptor("length in bytes (suffix allowed)") String length) {
        MmProcess p = process(pid);
        long addr = dma.mmap(p.fds(), Args.fd(fd), p.mm(), 0, Args.size("length", length, 1),
                AddressSpaceCommands.prot(prot), priv ? MapFlags.PRIVATE : MapFlags.SHARED, Args.size("offset", offset, 0));
        return String.format(Locale.ROOT, "0x%x", addr);
    }

    /**
     * Brackets CPU access to a dma-buf.
     *
     * @throws accelmm.api.ErrnoException as {@link Dma#sync}
     */
    @Descriptor("bracket CPU access to a dma-buf (DMA_BUF_IOCTL_SYNC)")
    public String dmabuf_sync(@Descriptor("process id") String pid, @Descriptor("the dma-buf descriptor") String fd,
            @Descriptor("start or end") String when, @Descriptor("r, w or rw") String access) {
        long flags = switch (when) {
            case "start" -> DmaBuf.SYNC_START;
            case "end" -> DmaBuf.SYNC_END;
            default -> throw Errno.EINVAL.exception("say start or end: " + when);
        };
        flags |= switch (access) {
            case "r" -> DmaBuf.SYNC_READ;
            case "w" -> DmaBuf.SYNC_WRITE;
            case "rw" -> DmaBuf.SYNC_RW;
            default -> throw Errno.EINVAL.exception("access is r, w or rw: " + access);
        };
        MmProcess p = process(pid);
        dma.sync(p.fds(), Args.fd(fd), flags);
        return "synced";
    }

    /**
     * Opens the vgem importer in a process.
     *
     * @throws accelmm.api.ErrnoException as {@link Vgem#open}
     */
    @Descriptor("open the vgem importer device in a process; prints its descriptor")
    public String vgem_open(@Descriptor("process id") String pid) {
        return "fd " + vgem.open(process(pid).fds());
    }

    /**
     * Imports a dma-buf into vgem.
     *
     * @throws accelmm.api.ErrnoException as {@link Vgem#primeFdToHandle}
     */
    @Descriptor("import a dma-buf into vgem (PRIME_FD_TO_HANDLE): attach and map it; prints the handle and the mapping")
    public String vgem_import(@Descriptor("process id") String pid, @Descriptor("the vgem descriptor") String vgemFd,
            @Descriptor("the dma-buf descriptor") String fd) {
        MmProcess p = process(pid);
        int v = Args.fd(vgemFd);
        int handle = vgem.primeFdToHandle(p.fds(), v, Args.fd(fd));
        SgTable t = vgem.table(p.fds(), v, handle);
        StringBuilder out = new StringBuilder("handle " + handle + ", " + t.nents() + " DMA segment(s)");
        for (SgEntry e : t.entries()) {
            out.append(String.format(Locale.ROOT, "%n  0x%x %d bytes", e.dmaAddress(), e.length()));
        }
        return out.toString();
    }

    /**
     * Reads an imported buffer by DMA.
     *
     * @throws accelmm.api.ErrnoException as {@link Vgem#read}
     */
    @Descriptor("read an imported buffer by DMA through vgem's mapping; shows a hex dump")
    public String vgem_read(@Descriptor("process id") String pid, @Descriptor("the vgem descriptor") String vgemFd,
            @Descriptor("the handle") String handle, @Descriptor("offset in the buffer") String offset,
            @Descriptor("bytes to read: 1 to 1m, suffix k or m allowed") String length) {
        long off = Args.size("offset", offset, 0);
        byte[] b = new byte[AddressSpaceCommands.readLength(length)];
        vgem.read(process(pid).fds(), Args.fd(vgemFd), Args.integer("handle", handle, 1, Integer.MAX_VALUE), off, b, 0, b.length);
        return AddressSpaceCommands.hexdump(off, b);
    }

    /**
     * Writes text into an imported buffer by DMA.
     *
     * @throws accelmm.api.ErrnoException as {@link Vgem#write}
     */
    @Descriptor("write text (UTF-8) into an imported buffer by DMA through vgem's mapping")
    public String vgem_write(@Descriptor("process id") String pid, @Descriptor("the vgem descriptor") String vgemFd,
            @Descriptor("the handle") String handle, @Descriptor("offset in the buffer") String offset,
            @Descriptor("the text") String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        vgem.write(process(pid).fds(), Args.fd(vgemFd), Args.integer("handle", handle, 1, Integer.MAX_VALUE),
                Args.size("offset", offset, 0), b, 0, b.length);
        return b.length + " bytes written";
    }

    /**
     * Closes a vgem handle.
     *
     * @throws accelmm.api.ErrnoException as {@link Vgem#gemClose}
     */
    @Descriptor("close a vgem handle (GEM_CLOSE): unmap, detach and drop the buffer")
    public String vgem_close(@Descriptor("process id") String pid, @Descriptor("the vgem descriptor") String vgemFd,
            @Descriptor("the handle") String handle) {
        vgem.gemClose(process(pid).fds(), Args.fd(vgemFd), Args.integer("handle", handle, 1, Integer.MAX_VALUE));
        return "closed";
    }

    /** Lists the DMA devices. */
    @Descriptor("list DMA devices: largest segment, tables mapped, IOMMU faults")
    public List<DmaDeviceRow> dma() {
        Rows<DmaDeviceRow> rows = new Rows<>(DmaDeviceRow.COLUMNS);
        for (String name : dma.devices()) {
            try {
                rows.add(new DmaDeviceRow(dma.device(name)));
            } catch (ErrnoException e) {
                // removed while listing
            }
        }
        return rows;
    }

    /** Lists the live dma-bufs. */
    @Descriptor("list dma-bufs: exporter, size, file references, pins, mappings, attached devices")
    public List<DmaBufRow> dmabuf() {
        Rows<DmaBufRow> rows = new Rows<>(DmaBufRow.COLUMNS);
        for (DmaBufInfo b : dma.bufs()) {
            rows.add(new DmaBufRow(b));
        }
        return rows;
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "mm", args);
    }
}
