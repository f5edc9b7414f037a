package accelmm.driver.panfrost;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceFile;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mmu.AsidSlots;
import accelmm.api.mmu.DrmMmNode;
import accelmm.api.mmu.IoPgtable;
import accelmm.api.uapi.panfrost.Panfrost;
import accelmm.api.uapi.panfrost.PanfrostCmd;
import accelmm.api.uapi.panfrost.PanfrostJob;
import accelmm.api.uapi.panfrost.PanfrostSubmit;

/**
 * One job on the GPU: it takes an address-space slot, runs its commands through the page table of
 * the slot's owner, and handles translation faults as {@code panfrost_mmu_map_fault_addr} does —
 * the fault resolves against the slot's current owner; an address in no BO is {@code ENOENT}, in a
 * BO that is not a heap {@code EINVAL} (both end the job); in a heap the aligned 2 MiB block is
 * pinned and mapped and the job resumes; a block mapped already is a spurious fault.
 *
 * <p>Concurrency: runs under the device lock.
 */
final class PanfrostJobRun {
    private static final long PAGE = PanfrostDriver.PAGE;

    /** A fault that ends the job. */
    private static final class Terminal extends RuntimeException {
        final long address;
        final Errno errno;

        Terminal(long address, Errno errno) {
            super(null, null, false, false);
            this.address = address;
            this.errno = errno;
        }
    }

    private final DeviceFile file;
    private final Bos bos;
    private int heapFaults;
    private int slot;

    PanfrostJobRun(DeviceFile file, Bos bos) {
        this.file = file;
        this.bos = bos;
    }

    PanfrostJob run(PanfrostSubmit s) {
        for (int h : s.boHandles()) {
            bos.owned(file, h);
        }
        for (PanfrostCmd c : s.commands()) {
            checkStamps(c);
        }
        AsidSlots<Object> slots = file.device().asidSlots();
        Object owner = file.id();
        slot = slots.get(owner);
        List<byte[]> loads = new ArrayList<>();
        try {
            for (PanfrostCmd c : s.commands()) {
                switch (c.op()) {
                    case STORE -> access(c.va(), c.data(), true);
                    case LOAD -> {
                        byte[] b = new byte[c.length()];
                        access(c.va(), b, false);
                        loads.add(b);
                    }
                    case COPY -> {
                        byte[] b = new byte[c.length()];
                        access(c.va(), b, false);
                        access(c.dst(), b, true);
                    }
                    case STORE_STAMPS -> stamps(c.va(), c.data(), true);
                    case LOAD_STAMPS -> {
                        byte[] b = new byte[c.length() / 512];
                        stamps(c.va(), b, false);
                        loads.add(b);
                    }
                    default -> throw Errno.EINVAL.exception("unknown command");
                }
            }
            file.device().count("panfrost.job", 1);
            return new PanfrostJob(true, -1, null, heapFaults, loads);
        } catch (Terminal t) {
            file.device().count("panfrost.job_fault", 1);
            return new PanfrostJob(false, t.address, t.errno.name(), heapFaults, loads);
        } finally {
            slots.put(owner);
        }
    }

    /** The page table of whoever owns the job's slot now. */
    private IoPgtable ownerPgtable() {
        Object owner = file.device().asidSlots().ownerOf(slot);
        if (!Integer.valueOf(file.id()).equals(owner)) {
            throw new IllegalStateException("slot " + slot + " is owned by " + owner + ", not file " + file.id());
        }
        return Bos.pgtable(file);
    }

    /** The physical address of {@code at}, after a fault if it is not mapped; or the job ends. */
    private long translate(long at) {
        long pa = ownerPgtable().iovaToPhys(at);
        if (pa == 0) {
            fault(at);
            pa = ownerPgtable().iovaToPhys(at);
            if (pa == 0) {
                throw new Terminal(at, Errno.EFAULT);
            }
        }
        return pa;
    }

    /**
     * Checks a stamp command ({@link accelmm.api.mm.Stamps#checkPages}) before the job runs.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for one that is not whole pages or carries bad stamps
     */
    private static void checkStamps(PanfrostCmd c) {
        if (c.op() == PanfrostCmd.Op.STORE_STAMPS || c.op() == PanfrostCmd.Op.LOAD_STAMPS) {
            accelmm.api.mm.Stamps.checkPages(c.va(), c.length(),
                    c.op() == PanfrostCmd.Op.STORE_STAMPS ? (c.data() == null ? new byte[0] : c.data()) : null);
        }
    }

    /** Stores or loads one stamp per page from {@code va}; {@code buf} holds 8 bytes a page. */
    private void stamps(long va, byte[] buf, boolean write) {
        for (int i = 0; i < buf.length / 8; i++) {
            long pa = translate(va + i * PAGE);
            if (write) {
                file.device().memoryManager().physWriteStamp(pa, accelmm.api.mm.Stamps.get(buf, i));
            } else {
                accelmm.api.mm.Stamps.set(buf, i, file.device().memoryManager().physReadStamp(pa));
            }
        }
    }

    private void access(long va, byte[] buf, boolean write) {
        int done = 0;
        while (done < buf.length) {
            long at = va + done;
            int n = (int) Math.min(buf.length - done, PAGE - (at & (PAGE - 1)));
            long pa = translate(at);
            if (write) {
                file.device().memoryManager().physWrite(pa, buf, done, n);
            } else {
                file.device().memoryManager().physRead(pa, buf, done, n);
            }
            done += n;
        }
    }

    /** Grows the heap that holds {@code addr}, or ends the job. */
    @SuppressWarnings("unchecked")
    private void fault(long addr) {
        Map<String, Object> bo = lookup(addr);
        if (bo == null) {
            throw new Terminal(addr, Errno.ENOENT);
        }
        if (!Bos.heap(bo)) {
            throw new Terminal(addr, Errno.EINVAL);
        }
        long block = addr & ~(Panfrost.HEAP_BLOCK - 1);
        Map<Long, PinnedPages> blocks = (Map<Long, PinnedPages>) bo.get("blocks");
        if (blocks.containsKey(block)) {
            return;
        }
        long first = (block - (Long) bo.get("va")) / PAGE;
        PinnedPages pins;
        try {
            pins = PanfrostDriver.pinWithShrink(file, bos, (accelmm.api.mm.SharedFile) bo.get("shmem"), first,
                    (int) (Panfrost.HEAP_BLOCK / PAGE));
            PanfrostDriver.map(Bos.pgtable(file), block, pins, PanfrostDriver.prot((Integer) bo.get("flags")));
        } catch (ErrnoException e) {
            throw new Terminal(addr, e.errno());
        }
        blocks.put(block, pins);
        heapFaults++;
        file.device().count("panfrost.heap_fault", 1);
    }

    /** The BO of this file whose VA node holds {@code addr}. */
    private Map<String, Object> lookup(long addr) {
        Map<String, Object>[] found = new Map[1];
        bos.all().forEach((id, bo) -> {
            if (bo != null && (Long) bo.get("file") == file.id()) {
                DrmMmNode n = (DrmMmNode) bo.get("node");
                if (addr >= n.start() && addr < n.end()) {
                    found[0] = bo;
                    return 1;
                }
            }
            return 0;
        });
        return found[0];
    }
}
