package accelmm.workload;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import accelmm.api.gmem.GmMmuMode;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.gmem.GmemAttach;
import accelmm.api.uapi.gmem.GmemOp;
import accelmm.api.uapi.gmem.GmemRun;
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostBo;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostCreateBo;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostSubmit;
import accelmm.api.uapi.xe.Xe;
import accelmm.api.uapi.xe.XeBindMirror;
import accelmm.api.uapi.xe.XeCmd;
import accelmm.api.uapi.xe.XeExec;
import accelmm.api.uapi.xe.XeExecResult;
import accelmm.api.uapi.xe.XeMadvise;
import accelmm.api.uapi.xe.XeVmCreate;

/**
 * One thread's view of a process on one device: its buffers, each with a model of the bytes it must
 * hold, and the steps a workload file names. CPU and GPU writes update the model; CPU and GPU reads
 * (and a forked child's reads) are checked against it. Workload files and the torture run drive it.
 *
 * <p>Concurrency: one thread. Several sessions may share a process (threads of one process), each
 * with its own buffers, device file and VM.
 */
final class ProcessSession {
    /** A buffer: where it is and what it must hold. */
    static final class Buffer {
        final long address;
        final int handle;
        final Expected expected;
        /** The pages' stamps in stamps mode, else null. */
        final StampModel stamps;

        Buffer(long address, int handle, long size, Content content) {
            this(address, handle, new Expected(size), content == Content.STAMPS ? new StampModel(size / 4096) : null);
        }

        Buffer(long address, int handle, Expected expected, StampModel stamps) {
            this.address = address;
            this.handle = handle;
            this.expected = expected;
            this.stamps = stamps;
        }

        long size() {
            return expected.size();
        }
    }

    final Run run;
    final String name;
    final String device;
    final SplittableRandom r;
    final MmProcess p;
    final int fd;
    final Map<String, Buffer> buffers = new HashMap<>();
    final Content content;
    private int vm;
    /** Where CPU reads land before their check, reused: at most {@link Expected#PART} bytes. */
    private byte[] scratch = new byte[0];

    /**
     * Opens {@code device} (or none, if null) for process {@code p}.
     *
     * @throws accelmm.api.ErrnoException as {@code Devices.open}
     */
    ProcessSession(Run run, String name, String device, SplittableRandom r, MmProcess p, Content content) {
        this.run = run;
        this.content = content;
        this.name = name;
        this.device = device;
        this.r = r;
        this.p = p;
        this.fd = device == null ? -1 : run.devices.open(p, device);
    }

    void step(WorkloadFile.Step s, String what) {
        switch (s.kind()) {
            case "mmap" -> {
                long size = s.size("size", 0);
                buffers.put(s.name("as"), new Buffer(p.mm().mmap(0, size, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS), 0, size, content));
            }
            case "heap" -> {
                int size = (int) s.size("size", 0);
                PanfrostBo bo = run.devices.ioctl(p, fd, new PanfrostCreateBo(size, Panfrost.BO_HEAP | Panfrost.BO_NOEXEC, 0));
                buffers.put(s.name("as"), new Buffer(bo.offset(), bo.handle(), size, content));
            }
            case "munmap" -> {
                Buffer b = buffers.remove(s.name("buffer"));
                p.mm().munmap(b.address, b.size());
            }
            case "advise" -> {
                Buffer b = buffers.get(s.name("buffer"));
                int loc = s.name("location").equals("vram") ? Xe.LOC_VRAM : Xe.LOC_SYSTEM;
                run.devices.ioctl(p, fd, new XeMadvise(xeVm(), b.address, b.address + b.size(), loc));
            }
            case "fork-check" -> {
                Buffer b = buffers.get(s.name("buffer"));
                MmProcess child = run.fork(p, p.name() + "-child");
                try {
                    readAll(child, b, what);
                } finally {
                    child.exit();
                }
            }
            case "gna-infer" -> GnaInferStep.run(this, buffers.get(s.name("buffer")), s, what);
            case "habana-share" -> habanaShare(s, what);
            case "access" -> pattern(s, what);
            default -> access(s, what);
        }
    }

    /** The read buffer, grown to at least {@code len} bytes. */
    private byte[] scratch(int len) {
        if (scratch.length < len) {
            scratch = new byte[len];
        }
        return scratch;
    }

    /** Reads a whole buffer as {@code reader}'s CPU and checks it, a part at a time. */
    private void readAll(MmProcess reader, Buffer b, String what) {
        if (b.stamps != null) {
            for (long first = 0; first < b.stamps.pages(); first += StampModel.PART_PAGES) {
                long[] seen = new long[(int) Math.min(StampModel.PART_PAGES, b.stamps.pages() - first)];
                reader.mm().readStamps(b.address + first * 4096, seen, 0, seen.length);
                run.check(name, what, b.stamps.matches(first, seen));
            }
            return;
        }
        for (long off = 0; off < b.size(); off += Expected.PART) {
            int n = (int) Math.min(Expected.PART, b.size() - off);
            byte[] seen = scratch(n);
            reader.mm().read(b.address + off, seen, 0, n);
            run.check(name, what, b.expected.matches(off, seen, n));
        }
    }

    /**
     * write, read, gpu-write and gpu-read: a window of a buffer, moved {@link Expected#PART} bytes
     * at a time (one CPU access or one device job each).
     */
    private void access(WorkloadFile.Step s, String what) {
        boolean write = s.kind().endsWith("write");
        Buffer b = buffers.get(s.name(write ? "to" : "from"));
        long off = s.size("offset", 0);
        long len = s.size("length", b.size() - off);
        if (off < 0 || len < 1 || off + len > b.size()) {
            throw accelmm.api.Errno.EINVAL.exception("offset " + off + " and length " + len + " do not fit the "
                    + b.size() + "-byte buffer");
        }
        boolean gpu = s.kind().startsWith("gpu-");
        if (b.stamps != null) {
            for (long page = off / 4096; page < (off + len) / 4096; page += StampModel.PART_PAGES) {
                accessStamps(gpu, what, b, write, page, (int) Math.min(StampModel.PART_PAGES, (off + len) / 4096 - page));
            }
            return;
        }
        for (long done = 0; done < len; done += Expected.PART) {
            access(gpu, what, b, write, off + done, (int) Math.min(Expected.PART, len - done));
        }
    }

    /**
     * An {@code access} step: the pages of its window in the order of its pattern
     * ({@link AccessPattern}), one page at a time by the CPU or the device, each read checked.
     */
    private void pattern(WorkloadFile.Step s, String what) {
        Buffer b = buffers.get(s.name("buffer"));
        boolean gpu = "gpu".equals(s.args().get("by"));
        boolean write = "write".equals(s.args().get("op"));
        long off = s.size("offset", 0);
        long pages = s.size("length", b.size() - off) / 4096;
        long seed = s.args().containsKey("seed") ? s.size("seed", 0) : r.nextLong();
        long[] order = AccessPattern.pages(s.name("pattern"), pages, (int) s.size("count", pages), s.size("stride", 4096) / 4096,
                AccessPattern.real(s, "skew", 0.99), AccessPattern.real(s, "hot", 0.1), AccessPattern.real(s, "share", 0.9), seed);
        for (long page : order) {
            if (b.stamps != null) {
                accessStamps(gpu, what, b, write, off / 4096 + page, 1);
            } else {
                access(gpu, what, b, write, off + page * 4096, 4096);
            }
        }
    }

    /**
     * A window of whole pages in stamps mode: a write gives each page a new stamp (the CPU's, Xe's
     * and Panfrost's from the session's seeded random numbers and the address, a GMEM kernel's derived from
     * one seeded value and the address), a read checks each page's stamp against the model.
     */
    private void accessStamps(boolean gpu, String what, Buffer b, boolean write, long first, int pages) {
        long addr = b.address + first * 4096;
        if (write) {
            long[] st = new long[pages];
            if (gpu && gmem()) {
                int value = r.nextInt();
                run.devices.ioctl(p, fd, new GmemRun(GmemOp.STORE_STAMPS, npu(addr), pages * 4096L, value));
                for (int i = 0; i < pages; i++) {
                    st[i] = accelmm.api.mm.Stamps.derive(value, addr + i * 4096L);
                }
            } else {
                st = Run.stamps(r, addr, pages);
                if (!gpu) {
                    p.mm().writeStamps(addr, st, 0, pages);
                } else if (b.handle == 0) {
                    XeExecResult x = run.devices.ioctl(p, fd, new XeExec(xeVm(), List.of(XeCmd.storeStamps(addr, st))));
                    gpuDone(what, true, x.done(), x.faultErrno(), x.faultAddress());
                } else {
                    PanfrostJob j = run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(b.handle),
                            List.of(PanfrostCmd.storeStamps(addr, st))));
                    gpuDone(what, true, j.done(), j.faultErrno(), j.faultAddress());
                }
            }
            b.stamps.put(first, st);
            return;
        }
        long[] seen;
        if (!gpu) {
            seen = new long[pages];
            p.mm().readStamps(addr, seen, 0, pages);
        } else if (gmem()) {
            seen = accelmm.api.mm.Stamps.unpack(run.devices.ioctl(p, fd,
                    new GmemRun(GmemOp.LOAD_STAMPS, npu(addr), pages * 4096L, 0)).data());
        } else if (b.handle == 0) {
            XeExecResult x = run.devices.ioctl(p, fd, new XeExec(xeVm(), List.of(XeCmd.loadStamps(addr, pages))));
            gpuDone(what, false, x.done(), x.faultErrno(), x.faultAddress());
            seen = accelmm.api.mm.Stamps.unpack(x.loads().get(0));
        } else {
            PanfrostJob j = run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(b.handle),
                    List.of(PanfrostCmd.loadStamps(addr, pages))));
            gpuDone(what, false, j.done(), j.faultErrno(), j.faultAddress());
            seen = accelmm.api.mm.Stamps.unpack(j.loads().get(0));
        }
        run.check(name, what, b.stamps.matches(first, seen));
    }

    private void access(boolean gpu, String what, Buffer b, boolean write, long off, int len) {
        if (write && gpu && gmem()) {
            byte value = (byte) r.nextLong();
            run.devices.ioctl(p, fd, new GmemRun(GmemOp.STORE, npu(b.address + off), len, value));
            b.expected.fill(off, len, value);
            return;
        }
        if (write) {
            // A write of a whole part of the model makes its bytes in the model itself.
            byte[] data = b.expected.wholePart(off, len);
            boolean inModel = data != null;
            if (inModel) {
                Run.fill(r, data, len);
            } else {
                data = Run.bytes(r, len);
            }
            if (!gpu) {
                p.mm().write(b.address + off, data, 0, data.length);
            } else if (b.handle == 0) {
                XeExecResult x = run.devices.ioctl(p, fd,
                        new XeExec(xeVm(), List.of(XeCmd.store(b.address + off, data))));
                gpuDone(what, true, x.done(), x.faultErrno(), x.faultAddress());
            } else {
                PanfrostJob j = run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(b.handle),
                        List.of(PanfrostCmd.store(b.address + off, data))));
                gpuDone(what, true, j.done(), j.faultErrno(), j.faultAddress());
            }
            if (!inModel) {
                b.expected.put(off, data);
            }
            return;
        }
        if (!gpu) {
            byte[] seen = scratch(len);
            p.mm().read(b.address + off, seen, 0, len);
            run.check(name, what, b.expected.matches(off, seen, len));
            return;
        }
        byte[] seen;
        if (gmem()) {
            seen = run.devices.ioctl(p, fd, new GmemRun(GmemOp.LOAD, npu(b.address + off), len,
                    0)).data();
        } else if (b.handle == 0) {
            XeExecResult x = run.devices.ioctl(p, fd,
                    new XeExec(xeVm(), List.of(XeCmd.load(b.address + off, len))));
            gpuDone(what, false, x.done(), x.faultErrno(), x.faultAddress());
            seen = x.loads().get(0);
        } else {
            PanfrostJob j = run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(b.handle),
                    List.of(PanfrostCmd.load(b.address + off, len))));
            gpuDone(what, false, j.done(), j.faultErrno(), j.faultAddress());
            seen = j.loads().get(0);
        }
        run.check(name, what, b.expected.matches(off, seen));
    }

    /**
     * Device memory of this process's Habana device filled by its engines, exported as a dma-buf,
     * read and written by the peer device's DMA engine, and read back by the exporter; freed after.
     */
    private void habanaShare(WorkloadFile.Step s, String what) {
        int size = (int) s.size("size", 0);
        int peerFd = run.devices.open(p, s.name("peer"));
        Cleanup cleanup = new Cleanup();
        cleanup.then(() -> p.fds().close(peerFd));
        try {
            long handle = ((accelmm.api.uapi.habana.HlHandle) run.devices.ioctl(p, fd,
                    new accelmm.api.uapi.habana.HlAllocMemory(size, false))).value();
            cleanup.then(() -> run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlFreeMemory(handle)));
            long va = ((accelmm.api.uapi.habana.HlAddress) run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlMapMemory(handle))).deviceVa();
            cleanup.then(() -> run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlUnmapMemory(va)));
            byte[] dram = Run.bytes(r, size);
            run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlDeviceWrite(va, dram));
            int buf = run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlExportDmabuf(va, size, 0,
                    accelmm.api.dma.Dma.O_RDWR));
            cleanup.then(() -> p.fds().close(buf));
            run.check(name, what + " (peer read)", dram,
                    run.devices.ioctl(p, peerFd, new accelmm.api.uapi.habana.HlDmabufRead(buf, 0, size)));
            byte[] patch = Run.bytes(r, Math.min(size, 4096));
            run.devices.ioctl(p, peerFd, new accelmm.api.uapi.habana.HlDmabufWrite(buf, 0, patch));
            System.arraycopy(patch, 0, dram, 0, patch.length);
            run.check(name, what + " (exporter sees the peer's write)", dram,
                    run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlDeviceRead(va, size)));
        } catch (RuntimeException e) {
            cleanup.runAfter(e);
            throw e;
        }
        cleanup.run();
    }

    /**
     * Undo steps run last first; a failure of one is suppressed by the failure that made the undo
     * run, so the first error is the one reported.
     */
    private static final class Cleanup {
        private final java.util.ArrayDeque<Runnable> steps = new java.util.ArrayDeque<>();

        void then(Runnable undo) {
            steps.push(undo);
        }

        void runAfter(RuntimeException cause) {
            while (!steps.isEmpty()) {
                try {
                    steps.pop().run();
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }

        void run() {
            while (!steps.isEmpty()) {
                steps.pop().run();
            }
        }
    }

    /**
     * A GPU job or exec that stopped at a fault fails the step with the fault's errno; the buffer's
     * model may no longer say what it holds. A write that finished counts as a passed check (a
     * read's check is its bytes).
     */
    private void gpuDone(String what, boolean write, boolean done, String errno, long address) {
        if (!done) {
            throw accelmm.api.Errno.valueOf(errno).exception("the GPU job stopped at a fault at 0x" + Long.toHexString(address));
        }
        if (write) {
            run.check(name, what + " (job done)", true);
        }
    }

    /** The process's Xe VM with the whole address space mirrored, created on first use. */
    private boolean gmem() {
        return "gmem".equals(run.devices.info(device).kind());
    }

    /** Attaches the process to its GMEM device on its first device step; returns {@code addr}. */
    private long npu(long addr) {
        if (vm == 0) {
            run.devices.ioctl(p, fd, new GmemAttach(GmMmuMode.COHERENT_EXCLUSIVE));
            vm = 1;
        }
        return addr;
    }

    int xeVm() {
        if (vm == 0) {
            vm = run.devices.ioctl(p, fd, new XeVmCreate(true));
            run.devices.ioctl(p, fd, new XeBindMirror(vm, 0, 1L << 47));
        }
        return vm;
    }

    /** Unmaps or frees every buffer (after an injected failure left their contents unknown). */
    void dropAll() {
        for (Buffer b : buffers.values()) {
            try {
                if (b.handle != 0) {
                    run.devices.ioctl(p, fd, new accelmm.api.uapi.panfrost.PanfrostFreeBo(b.handle));
                } else {
                    p.mm().munmap(b.address, b.size());
                }
            } catch (accelmm.api.ErrnoException e) {
                // The process may be gone; its exit frees what is left.
            }
        }
        buffers.clear();
    }

    /**
     * Makes a buffer read-only, checks that a CPU write faults and changes nothing, and makes it
     * writable again.
     */
    void protectCheck(String name, String what) {
        Buffer b = buffers.get(name);
        p.mm().mprotect(b.address, b.size(), Prot.READ);
        boolean faulted = false;
        try {
            p.mm().write(b.address, new byte[] {1}, 0, 1);
        } catch (accelmm.api.mm.SegvException e) {
            faulted = true;
        } finally {
            p.mm().mprotect(b.address, b.size(), Prot.READ | Prot.WRITE);
        }
        run.check(this.name, what + " (a write to read-only memory faults)", faulted);
        readAll(p, b, what);
    }

    /** Grows a buffer by a page with {@code MREMAP_MAYMOVE}; its bytes move with it, the new page is zero. */
    void grow(String name) {
        Buffer b = buffers.get(name);
        long size = b.size() + 4096;
        long moved = p.mm().mremap(b.address, b.size(), size, accelmm.api.mm.MremapFlags.MAYMOVE, 0);
        buffers.put(name, new Buffer(moved, 0, b.expected.resized(size), b.stamps == null ? null : b.stamps.resized(size / 4096)));
    }
}
