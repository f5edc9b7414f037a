package accelmm.driver.panfrost;

import java.util.ArrayList;
import java.util.List;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceFile;
import accelmm.api.gem.GemObject;
import accelmm.api.mm.PhysAddr;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mmu.AsidSlots;
import accelmm.api.mmu.DrmMmNode;
import accelmm.api.mmu.GpuAccess;
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
    private int heapFaults;
    private int slot;

    PanfrostJobRun(DeviceFile file) {
        this.file = file;
    }

    PanfrostJob run(PanfrostSubmit s) {
        for (int h : s.boHandles()) {
            file.device().gem().lookup(file, h);
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
                    case STORE -> access(c.va(), c.data(), true, false);
                    case LOAD -> {
                        byte[] b = new byte[c.length()];
                        access(c.va(), b, false, false);
                        loads.add(b);
                    }
                    case COPY -> {
                        byte[] b = new byte[c.length()];
                        access(c.va(), b, false, false);
                        access(c.dst(), b, true, false);
                    }
                    case STORE_STAMPS -> access(c.va(), c.data(), true, true);
                    case LOAD_STAMPS -> {
                        byte[] b = new byte[c.length() / 512];
                        access(c.va(), b, false, true);
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

    /**
     * Runs one access through the page table of the slot's owner: where it stops at an unmapped
     * page, that page faults (a heap grows) and it goes on; a page still unmapped ends the job.
     */
    private void access(long va, byte[] buf, boolean write, boolean stamps) {
        var mm = file.device().memoryManager();
        int done = 0;
        while (done < buf.length) {
            IoPgtable pt = ownerPgtable();
            int next = stamps ? GpuAccess.stamps(mm, pt, va, buf, done, buf.length, write, page -> true)
                    : GpuAccess.bytes(mm, pt, va, buf, done, buf.length, write, page -> true);
            if (next == done) {
                long at = va + (stamps ? (long) (done / 8) * PAGE : done);
                fault(at);
                if (ownerPgtable().iovaToPhys(at) == 0) {
                    throw new Terminal(at, Errno.EFAULT);
                }
            }
            done = next;
        }
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

    /** Grows the heap that holds {@code addr}, or ends the job. */
    private void fault(long addr) {
        GemObject bo = lookup(addr);
        if (bo == null) {
            throw new Terminal(addr, Errno.ENOENT);
        }
        if (!Bos.heap(bo)) {
            throw new Terminal(addr, Errno.EINVAL);
        }
        long block = addr & ~(Panfrost.HEAP_BLOCK - 1);
        long first = (block - bo.va().start()) / PAGE;
        if (bo.pins().containsKey(first)) {
            return;
        }
        try {
            PinnedPages pins = PanfrostDriver.pinWithShrink(file, bo, first, (int) (Panfrost.HEAP_BLOCK / PAGE));
            long[] pas = new long[pins.pfns().length];
            for (int i = 0; i < pas.length; i++) {
                pas[i] = PhysAddr.of(pins.node(), pins.pfns()[i], 0);
            }
            try {
                Bos.pgtable(file).mapEach(block, pas, PAGE, PanfrostDriver.prot(bo.flags()));
            } catch (ErrnoException e) {
                file.device().gem().unpin(bo, first);
                throw e;
            }
        } catch (ErrnoException e) {
            throw new Terminal(addr, e.errno());
        }
        heapFaults++;
        file.device().count("panfrost.heap_fault", 1);
        file.device().cost().fault(file.process().pid());
    }

    /** The BO of this file whose GPU address range holds {@code addr}. */
    private GemObject lookup(long addr) {
        for (GemObject bo : file.device().gem().objects(file)) {
            DrmMmNode n = bo.va();
            if (n != null && addr >= n.start() && addr < n.end()) {
                return bo;
            }
        }
        return null;
    }
}
