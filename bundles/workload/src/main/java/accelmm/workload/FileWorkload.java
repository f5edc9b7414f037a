package accelmm.workload;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import accelmm.api.ErrnoException;
import accelmm.api.gmem.GmMmuMode;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.api.uapi.gmem.GmemAttach;
import accelmm.api.uapi.gmem.GmemOp;
import accelmm.api.uapi.gmem.GmemRun;
import accelmm.api.uapi.gmem.GmemRunResult;
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
 * One process of a workload file, run step by step. Every buffer has a model of the bytes it must
 * hold; CPU and GPU writes update it, CPU and GPU reads (and a forked child's reads) are checked
 * against it.
 *
 * <p>Concurrency: one thread per process.
 */
final class FileWorkload implements Workload {
    /** A buffer: where it is and what it must hold. */
    private static final class Buffer {
        final long address;
        final int handle;
        final byte[] expected;

        Buffer(long address, int handle, int size) {
            this.address = address;
            this.handle = handle;
            this.expected = new byte[size];
        }
    }

    private final WorkloadFile file;
    private final WorkloadFile.Proc proc;

    FileWorkload(WorkloadFile file, WorkloadFile.Proc proc) {
        this.file = file;
        this.proc = proc;
    }

    @Override
    public String name() {
        return proc.name();
    }

    @Override
    public String device() {
        return proc.device();
    }

    @Override
    public String description() {
        return file.name + ": process " + proc.name();
    }

    @Override
    public int steps() {
        return proc.steps().size();
    }

    @Override
    public void run(Run run) {
        SplittableRandom r = run.random(file.name + "/" + proc.name());
        MmProcess p = run.spawn(proc.name());
        Map<String, Buffer> buffers = new HashMap<>();
        int fd = proc.device() == null ? -1 : run.devices.open(p, proc.device());
        int[] vm = {0};
        try {
            for (WorkloadFile.Step s : proc.steps()) {
                try {
                    step(run, r, p, fd, vm, buffers, s);
                } catch (ErrnoException e) {
                    throw new IllegalStateException(file.file + ":" + s.line() + ": " + s.kind() + " failed: " + e.getMessage(), e);
                }
                run.step(name());
            }
        } finally {
            p.exit();
        }
    }

    private void step(Run run, SplittableRandom r, MmProcess p, int fd, int[] vm, Map<String, Buffer> buffers, WorkloadFile.Step s) {
        String what = file.file + ":" + s.line() + " " + s.kind();
        switch (s.kind()) {
            case "mmap" -> {
                int size = (int) s.size("size", 0);
                buffers.put(s.name("as"), new Buffer(p.mm().mmap(0, size, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS), 0, size));
            }
            case "heap" -> {
                int size = (int) s.size("size", 0);
                PanfrostBo bo = (PanfrostBo) run.devices.ioctl(p, fd, new PanfrostCreateBo(size, Panfrost.BO_HEAP | Panfrost.BO_NOEXEC, 0));
                buffers.put(s.name("as"), new Buffer(bo.offset(), bo.handle(), size));
            }
            case "munmap" -> {
                Buffer b = buffers.remove(s.name("buffer"));
                p.mm().munmap(b.address, b.expected.length);
            }
            case "advise" -> {
                Buffer b = buffers.get(s.name("buffer"));
                int loc = s.name("location").equals("vram") ? Xe.LOC_VRAM : Xe.LOC_SYSTEM;
                run.devices.ioctl(p, fd, new XeMadvise(xeVm(run, p, fd, vm), b.address, b.address + b.expected.length, loc));
            }
            case "fork-check" -> {
                Buffer b = buffers.get(s.name("buffer"));
                MmProcess child = p.fork(p.name() + "-child");
                try {
                    byte[] seen = new byte[b.expected.length];
                    child.mm().read(b.address, seen, 0, seen.length);
                    run.check(name(), what, b.expected, seen);
                } finally {
                    child.exit();
                }
            }
            case "gna-infer" -> gnaInfer(run, r, p, fd, buffers.get(s.name("buffer")), s, what);
            case "habana-share" -> habanaShare(run, r, p, fd, s, what);
            default -> access(run, r, p, fd, vm, buffers, s, what);
        }
    }

    /** write, read, gpu-write and gpu-read: a window of a buffer. */
    private void access(Run run, SplittableRandom r, MmProcess p, int fd, int[] vm, Map<String, Buffer> buffers,
            WorkloadFile.Step s, String what) {
        boolean write = s.kind().endsWith("write");
        Buffer b = buffers.get(s.name(write ? "to" : "from"));
        long off = s.size("offset", 0);
        long len = s.size("length", b.expected.length - off);
        if (off < 0 || len < 1 || off + len > b.expected.length) {
            throw accelmm.api.Errno.EINVAL.exception("offset " + off + " and length " + len + " do not fit the "
                    + b.expected.length + "-byte buffer");
        }
        boolean gpu = s.kind().startsWith("gpu-");
        if (write) {
            byte[] data = Run.bytes(r, (int) len);
            if (!gpu) {
                p.mm().write(b.address + off, data, 0, data.length);
            } else if (gmem(run)) {
                java.util.Arrays.fill(data, data[0]);
                run.devices.ioctl(p, fd, new GmemRun(GmemOp.STORE, npu(run, p, fd, vm, b.address + off), len, data[0]));
            } else if (b.handle == 0) {
                expectDone(run, what, (XeExecResult) run.devices.ioctl(p, fd,
                        new XeExec(xeVm(run, p, fd, vm), List.of(XeCmd.store(b.address + off, data)))));
            } else {
                PanfrostJob j = (PanfrostJob) run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(b.handle),
                        List.of(PanfrostCmd.store(b.address + off, data))));
                run.check(name(), what + " (job done)", new byte[] {1}, new byte[] {(byte) (j.done() ? 1 : 0)});
            }
            System.arraycopy(data, 0, b.expected, (int) off, data.length);
            return;
        }
        byte[] seen;
        if (!gpu) {
            seen = new byte[(int) len];
            p.mm().read(b.address + off, seen, 0, seen.length);
        } else if (gmem(run)) {
            seen = ((GmemRunResult) run.devices.ioctl(p, fd, new GmemRun(GmemOp.LOAD, npu(run, p, fd, vm, b.address + off), len,
                    0))).data();
        } else if (b.handle == 0) {
            XeExecResult x = (XeExecResult) run.devices.ioctl(p, fd,
                    new XeExec(xeVm(run, p, fd, vm), List.of(XeCmd.load(b.address + off, (int) len))));
            seen = x.done() ? x.loads().get(0) : new byte[0];
        } else {
            PanfrostJob j = (PanfrostJob) run.devices.ioctl(p, fd, new PanfrostSubmit(List.of(b.handle),
                    List.of(PanfrostCmd.load(b.address + off, (int) len))));
            seen = j.done() ? j.loads().get(0) : new byte[0];
        }
        run.check(name(), what, java.util.Arrays.copyOfRange(b.expected, (int) off, (int) (off + len)), seen);
    }

    /**
     * One GNA inference in a buffer of at least 64 KiB: the CPU writes a layer (descriptor at 0,
     * int16 inputs at 4 KiB, weights at 8 KiB, int32 biases at 24 KiB), the device writes the int32
     * outputs at 32 KiB; the outputs are checked against the CPU's own arithmetic.
     */
    private void gnaInfer(Run run, SplittableRandom r, MmProcess p, int fd, Buffer b, WorkloadFile.Step s, String what) {
        if (b.expected.length < 64 * 1024) {
            throw accelmm.api.Errno.EINVAL.exception("gna-infer needs a buffer of at least 64k");
        }
        int nIn = (int) s.size("inputs", 0);
        int nOut = (int) s.size("outputs", 0);
        java.nio.ByteBuffer img = java.nio.ByteBuffer.wrap(java.util.Arrays.copyOf(b.expected, 32768))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        img.putInt(0, accelmm.api.uapi.gna.Gna.OP_AFFINE).putInt(4, nIn).putInt(8, nOut).putInt(12, 4096).putInt(16, 32768)
                .putInt(20, 8192).putInt(24, 24576);
        short[] x = new short[nIn];
        for (int i = 0; i < nIn; i++) {
            x[i] = (short) r.nextInt(-300, 300);
            img.putShort(4096 + 2 * i, x[i]);
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(nOut * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int o = 0; o < nOut; o++) {
            long acc = r.nextInt(-10000, 10000);
            img.putInt(24576 + 4 * o, (int) acc);
            for (int i = 0; i < nIn; i++) {
                short w = (short) r.nextInt(-300, 300);
                img.putShort(8192 + 2 * (o * nIn + i), w);
                acc += (long) w * x[i];
            }
            out.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, acc)));
        }
        p.mm().write(b.address, img.array(), 0, 32768);
        System.arraycopy(img.array(), 0, b.expected, 0, 32768);
        long id = ((accelmm.api.uapi.gna.GnaMemoryId) run.devices.ioctl(p, fd,
                new accelmm.api.uapi.gna.GnaMapMemory(b.address, b.expected.length))).memoryId();
        try {
            long req = ((accelmm.api.uapi.gna.GnaRequestId) run.devices.ioctl(p, fd, new accelmm.api.uapi.gna.GnaCompute(0, 1,
                    List.of(new accelmm.api.uapi.gna.GnaBuffer(id, 0, b.expected.length, List.of())),
                    accelmm.api.uapi.gna.Gna.MODE_XNN))).requestId();
            run.devices.ioctl(p, fd, new accelmm.api.uapi.gna.GnaWait(req, 30_000));
        } finally {
            run.devices.ioctl(p, fd, new accelmm.api.uapi.gna.GnaUnmapMemory(id));
        }
        byte[] seen = new byte[nOut * 4];
        p.mm().read(b.address + 32768, seen, 0, seen.length);
        run.check(name(), what, out.array(), seen);
        System.arraycopy(seen, 0, b.expected, 32768, seen.length);
    }

    /**
     * Device memory of this process's Habana device filled by its engines, exported as a dma-buf,
     * read and written by the peer device's DMA engine, and read back by the exporter; freed after.
     */
    private void habanaShare(Run run, SplittableRandom r, MmProcess p, int fd, WorkloadFile.Step s, String what) {
        int size = (int) s.size("size", 0);
        int peerFd = run.devices.open(p, s.name("peer"));
        long handle = ((accelmm.api.uapi.habana.HlHandle) run.devices.ioctl(p, fd,
                new accelmm.api.uapi.habana.HlAllocMemory(size, false))).value();
        long va = ((accelmm.api.uapi.habana.HlAddress) run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlMapMemory(handle))).deviceVa();
        try {
            byte[] dram = Run.bytes(r, size);
            run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlDeviceWrite(va, dram));
            int buf = (Integer) run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlExportDmabuf(va, size, 0,
                    accelmm.api.dma.Dma.O_RDWR));
            try {
                run.check(name(), what + " (peer read)", dram,
                        (byte[]) run.devices.ioctl(p, peerFd, new accelmm.api.uapi.habana.HlDmabufRead(buf, 0, size)));
                byte[] patch = Run.bytes(r, Math.min(size, 4096));
                run.devices.ioctl(p, peerFd, new accelmm.api.uapi.habana.HlDmabufWrite(buf, 0, patch));
                System.arraycopy(patch, 0, dram, 0, patch.length);
                run.check(name(), what + " (exporter sees the peer's write)", dram,
                        (byte[]) run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlDeviceRead(va, size)));
            } finally {
                p.fds().close(buf);
            }
        } finally {
            run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlUnmapMemory(va));
            run.devices.ioctl(p, fd, new accelmm.api.uapi.habana.HlFreeMemory(handle));
            p.fds().close(peerFd);
        }
    }

    private void expectDone(Run run, String what, XeExecResult x) {
        run.check(name(), what + (x.done() ? "" : " (GPU fault " + x.faultErrno() + ")"), new byte[] {1},
                new byte[] {(byte) (x.done() ? 1 : 0)});
    }

    /** The process's Xe VM with the whole address space mirrored, created on first use. */
    private boolean gmem(Run run) {
        return "gmem".equals(run.devices.info(proc.device()).kind());
    }

    /** Attaches the process to its GMEM device on its first device step; returns {@code addr}. */
    private static long npu(Run run, MmProcess p, int fd, int[] vm, long addr) {
        if (vm[0] == 0) {
            run.devices.ioctl(p, fd, new GmemAttach(GmMmuMode.COHERENT_EXCLUSIVE));
            vm[0] = 1;
        }
        return addr;
    }

    private static int xeVm(Run run, MmProcess p, int fd, int[] vm) {
        if (vm[0] == 0) {
            vm[0] = (Integer) run.devices.ioctl(p, fd, new XeVmCreate(true));
            run.devices.ioctl(p, fd, new XeBindMirror(vm[0], 0, 1L << 47));
        }
        return vm[0];
    }
}
