package accelmm.core.mm;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.SegvException;

/**
 * A process's CPU reading and writing its memory ({@code access_process_vm}, and the faults of
 * {@code mm/memory.c} it takes): the whole range checked first ({@code SIGSEGV}), every page of a
 * write faulted in before a byte is written, then bytes or whole-page stamps moved page by page
 * from host frames, the zero page, or device-coherent pages in place.
 *
 * <p>Concurrency: under the address space's mmap lock (read), the page-table lock per page; a
 * fault may drop it to migrate a device page back.
 */
final class CpuAccess {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private CpuAccess() {
    }

    /** Checks every page of the range for the access before anything is done. */
    private static void checkAccess(Mm mm, long addr, long len, boolean write) {
        long end = addr + len;
        if (addr < 0 || end > AddressSpace.TASK_SIZE || end < addr) {
            throw new SegvException(addr, false, write);
        }
        for (long a = addr; a < end;) {
            Vma v = mm.vma(a);
            if (v == null) {
                throw new SegvException(a, false, write);
            }
            if (write ? !v.writable() : !v.readable()) {
                throw new SegvException(a, true, write);
            }
            a = v.end;
        }
    }

    private static void checkBuffer(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off + len > buf.length || off + len < 0) {
            throw Errno.EINVAL.exception("bad buffer, offset or length");
        }
    }

    /**
     * A CPU access: check the whole range, fault every page in (for a write, all before any byte is
     * written, so an ENOMEM writes nothing), then copy page by page under the page-table lock.
     */
    static void bytes(Mm mm, long addr, byte[] buf, int off, int len, boolean write) {
        checkBuffer(buf, off, len);
        if (len == 0) {
            return;
        }
        mm.reclaiming(len / PAGE, () -> cpuAccess(mm, addr, len, write, () -> PageCopy.forEachChunk(addr, len, (pageAddr, in, done, chunk) -> {
            mm.ptl.lock();
            try {
                int pte = mm.faults().fault(mm.pt, mm.vma(pageAddr), pageAddr, write, mm.thp());
                if (Pte.isDevice(pte)) {
                    coherentAccess(mm, pte, in, buf, off + done, chunk, write);
                } else if (write) {
                    mm.hostNode().write(Pte.pfn(pte), in, buf, off + done, chunk);
                } else if (Pte.zero(pte)) {
                    java.util.Arrays.fill(buf, off + done, off + done + chunk, (byte) 0);
                } else {
                    mm.hostNode().read(Pte.pfn(pte), in, buf, off + done, chunk);
                }
            } finally {
                mm.ptl.unlock();
            }
        })));
    }

    /** A CPU access to a device-coherent page, in the device's memory. Under the page-table lock. */
    private static void coherentAccess(Mm mm, int pte, int in, byte[] buf, int off, int len, boolean write) {
        Pagemaps.Pagemap pm = mm.pagemaps().get(Pte.deviceSlot(pte));
        if (write) {
            pm.node.write(pm.pfnOf(pte), in, buf, off, len);
        } else {
            pm.node.read(pm.pfnOf(pte), in, buf, off, len);
        }
    }

    /**
     * The frame of a CPU access, {@link #bytes} and {@link #stamps} alike: under the mmap lock, the
     * process alive and the whole range accessible, every page of a write faulted in before
     * {@code body} runs (so an ENOMEM changes nothing).
     */
    private static void cpuAccess(Mm mm, long addr, long len, boolean write, Runnable body) {
        mm.lock.readLock();
        try {
            mm.requireAlive();
            checkAccess(mm, addr, len, write);
            if (write) {
                long last = (addr + len - 1) & PageSize.PAGE_MASK;
                for (long a = addr & PageSize.PAGE_MASK; a <= last; a += PAGE) {
                    mm.ptl.lock();
                    try {
                        mm.faults().fault(mm.pt, mm.vma(a), a, true, mm.thp());
                    } finally {
                        mm.ptl.unlock();
                    }
                }
            }
            body.run();
        } finally {
            mm.lock.readUnlock();
        }
    }

    /** A CPU access of whole pages by stamp, in the frame of {@link #cpuAccess}. */
    static void stamps(Mm mm, long addr, long[] stamps, int off, int count, boolean write) {
        if (stamps == null || off < 0 || count < 0 || off + count > stamps.length || off + count < 0) {
            throw Errno.EINVAL.exception("bad stamp array range");
        }
        if ((addr & (PAGE - 1)) != 0) {
            throw Errno.EINVAL.exception(String.format("0x%x is not page-aligned; a stamp stands for a whole page", addr));
        }
        if (count == 0) {
            return;
        }
        if (write) {
            for (int i = off; i < off + count; i++) {
                accelmm.api.mm.Stamps.checkValid(stamps[i]);
            }
        }
        mm.reclaiming(count, () -> cpuAccess(mm, addr, (long) count * PAGE, write, () -> {
            for (int i = 0; i < count; i++) {
                long a = addr + (long) i * PAGE;
                mm.ptl.lock();
                try {
                    int pte = mm.faults().fault(mm.pt, mm.vma(a), a, write, mm.thp());
                    if (Pte.isDevice(pte)) {
                        Pagemaps.Pagemap pm = mm.pagemaps().get(Pte.deviceSlot(pte));
                        if (write) {
                            pm.node.writeStamp(pm.pfnOf(pte), stamps[off + i]);
                        } else {
                            stamps[off + i] = pm.node.readStamp(pm.pfnOf(pte));
                        }
                    } else if (write) {
                        mm.hostNode().writeStamp(Pte.pfn(pte), stamps[off + i]);
                    } else {
                        stamps[off + i] = Pte.zero(pte) ? 0 : mm.hostNode().readStamp(Pte.pfn(pte));
                    }
                } finally {
                    mm.ptl.unlock();
                }
            }
        }));
    }
}
