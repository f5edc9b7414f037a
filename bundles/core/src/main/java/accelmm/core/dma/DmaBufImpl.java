package accelmm.core.dma;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaBufImporterOps;
import accelmm.api.dma.DmaBufInfo;
import accelmm.api.dma.DmaBufOps;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.mm.AddressSpace;
import accelmm.core.diag.Warnings;

/**
 * A dma-buf: the exporter's operations, the attachments, and the reference count of its file. The
 * last reference releases it through the exporter exactly once.
 *
 * <p>Concurrency: attachments and mappings are guarded by {@link #resv()}; the reference count is
 * atomic and never rises again from zero.
 */
final class DmaBufImpl implements DmaBuf {
    private final long inode;
    private final String exporter;
    private final long size;
    private final Object priv;
    private final DmaBufOps ops;
    private final ReentrantLock resv = new ReentrantLock();
    private final AtomicLong refs = new AtomicLong(1);
    private final List<AttachmentImpl> attachments = new ArrayList<>();
    private final Runnable onRelease;
    private final Warnings warnings;
    private volatile boolean released;
    /** The file's access mode, set by its first descriptor; -1 before. Guarded by this object. */
    int accessMode = -1;

    DmaBufImpl(long inode, String exporter, long size, Object priv, DmaBufOps ops, Runnable onRelease, Warnings warnings) {
        this.inode = inode;
        this.exporter = exporter;
        this.size = size;
        this.priv = priv;
        this.ops = ops;
        this.onRelease = onRelease;
        this.warnings = warnings;
    }

    @Override
    public long inode() {
        return inode;
    }

    @Override
    public String exporter() {
        return exporter;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Object priv() {
        return priv;
    }

    @Override
    public ReentrantLock resv() {
        return resv;
    }

    @Override
    public DmaBufAttachment attach(DmaDevice device) {
        return dynamicAttach(device, null, null);
    }

    @Override
    public DmaBufAttachment dynamicAttach(DmaDevice device, DmaBufImporterOps importerOps, Object importerPriv) {
        if (device == null) {
            throw Errno.EINVAL.exception("no device to attach");
        }
        if (importerOps != null && importerOps.moveNotify() == null) {
            throw Errno.EINVAL.exception("a dynamic importer needs move_notify");
        }
        AttachmentImpl a = new AttachmentImpl(this, device, importerOps, importerPriv);
        resv.lock();
        try {
            requireLive();
            if (ops.attach() != null) {
                ops.attach().attach(a);
            }
            attachments.add(a);
        } finally {
            resv.unlock();
        }
        return a;
    }

    private void requireLive() {
        if (released) {
            throw Errno.EINVAL.exception("dma-buf " + inode + " is released");
        }
    }

    private AttachmentImpl own(DmaBufAttachment attachment) {
        if (!(attachment instanceof AttachmentImpl a) || a.buf != this || a.detached) {
            throw Errno.EINVAL.exception("not a live attachment of dma-buf " + inode);
        }
        return a;
    }

    private void requireResvFor(AttachmentImpl a) {
        if (a.dynamic() && !resv.isHeldByCurrentThread()) {
            throw new IllegalStateException("a dynamic importer must hold the reservation lock");
        }
    }

    @Override
    public void detach(DmaBufAttachment attachment) {
        resv.lock();
        try {
            AttachmentImpl a = own(attachment);
            if (a.cached != null) {
                ops.unmap().unmap(a, a.cached, a.cachedDir);
                if (a.cachedPinned) {
                    unpinLocked(a);
                }
                a.cached = null;
            }
            if (!a.maps.isEmpty()) {
                warnings.warn("dma-buf " + inode + ": " + a + " detached with " + a.maps.size() + " mappings");
                for (Map.Entry<SgTable, Boolean> m : List.copyOf(a.maps.entrySet())) {
                    ops.unmap().unmap(a, m.getKey(), DmaDirection.BIDIRECTIONAL);
                    if (m.getValue()) {
                        unpinLocked(a);
                    }
                }
                a.maps.clear();
            }
            if (a.pins > 0) {
                warnings.warn("dma-buf " + inode + ": " + a + " detached while pinned");
                while (a.pins > 0) {
                    unpinLocked(a);
                }
            }
            a.detached = true;
            attachments.remove(a);
            if (ops.detach() != null) {
                ops.detach().detach(a);
            }
        } finally {
            resv.unlock();
        }
    }

    @Override
    public SgTable map(DmaBufAttachment attachment, DmaDirection dir) {
        AttachmentImpl a = own(attachment);
        requireResvFor(a);
        if (dir == null || dir == DmaDirection.NONE) {
            throw Errno.EINVAL.exception("a mapping needs a direction");
        }
        resv.lock();
        try {
            own(a);
            if (a.cached != null) {
                if (a.cachedDir != dir && a.cachedDir != DmaDirection.BIDIRECTIONAL) {
                    throw Errno.EBUSY.exception("dma-buf " + inode + " is mapped " + a.cachedDir + " for " + a);
                }
                return a.cached;
            }
            boolean pinOnMap = ops.dynamic() && !a.dynamic();
            if (pinOnMap) {
                ops.pin().apply(a);
                a.pins++;
            }
            SgTable sgt;
            try {
                sgt = ops.map().map(a, dir);
                if (sgt == null) {
                    throw Errno.ENOMEM.exception("the exporter mapped nothing");
                }
            } catch (RuntimeException e) {
                if (pinOnMap) {
                    unpinLocked(a);
                }
                throw e;
            }
            if (ops.cacheSgtMapping()) {
                a.cached = sgt;
                a.cachedDir = dir;
                a.cachedPinned = pinOnMap;
            } else {
                a.maps.put(sgt, pinOnMap);
            }
            return sgt;
        } finally {
            resv.unlock();
        }
    }

    @Override
    public void unmap(DmaBufAttachment attachment, SgTable table, DmaDirection dir) {
        AttachmentImpl a = own(attachment);
        requireResvFor(a);
        resv.lock();
        try {
            if (table != null && table == a.cached) {
                return;
            }
            Boolean pinned = table == null ? null : a.maps.remove(table);
            if (pinned == null) {
                throw Errno.EINVAL.exception("the table is not mapped by " + a);
            }
            ops.unmap().unmap(a, table, dir);
            if (pinned) {
                unpinLocked(a);
            }
        } finally {
            resv.unlock();
        }
    }

    private void unpinLocked(AttachmentImpl a) {
        a.pins--;
        ops.unpin().apply(a);
    }

    private AttachmentImpl ownDynamic(DmaBufAttachment attachment) {
        AttachmentImpl a = own(attachment);
        if (!a.dynamic()) {
            throw new IllegalStateException("only dynamic importers pin explicitly");
        }
        requireResvFor(a);
        return a;
    }

    @Override
    public void pin(DmaBufAttachment attachment) {
        AttachmentImpl a = ownDynamic(attachment);
        if (ops.pin() != null) {
            ops.pin().apply(a);
        }
        a.pins++;
    }

    @Override
    public void unpin(DmaBufAttachment attachment) {
        AttachmentImpl a = ownDynamic(attachment);
        if (a.pins == 0) {
            throw new IllegalStateException(a + " holds no pin");
        }
        a.pins--;
        if (ops.unpin() != null) {
            ops.unpin().apply(a);
        }
    }

    @Override
    public void moveNotify() {
        if (!resv.isHeldByCurrentThread()) {
            throw new IllegalStateException("move_notify needs the reservation lock");
        }
        for (AttachmentImpl a : List.copyOf(attachments)) {
            if (a.dynamic()) {
                a.importerOps.moveNotify().accept(a);
            }
        }
    }

    @Override
    public long mmap(AddressSpace mm, long addr, long length, int prot, int flags, long offset) {
        int mode;
        synchronized (this) {
            mode = accessMode;
        }
        return mmap(mm, addr, length, prot, flags, offset, mode != accelmm.api.dma.Dma.O_RDONLY);
    }

    /** {@link #mmap} through a descriptor with or without write access. */
    long mmap(AddressSpace mm, long addr, long length, int prot, int flags, long offset, boolean writeAccess) {
        checkMmapArgs(length, offset);
        if (ops.mmap() == null) {
            throw Errno.EINVAL.exception(this + " cannot be mapped: its exporter has no mmap");
        }
        requireLive();
        long pages = (length + PageSize.PAGE_SIZE - 1) >>> PageSize.PAGE_SHIFT;
        if (offset / PageSize.PAGE_SIZE + pages > size >>> PageSize.PAGE_SHIFT) {
            throw Errno.EINVAL.exception("offset " + offset + " + " + length + " bytes lies past the end of " + this);
        }
        return ops.mmap().mmap(this, mm, addr, length, prot, flags, offset, writeAccess);
    }

    /** The checks the mmap system call makes before it looks at the file. */
    static void checkMmapArgs(long length, long offset) {
        if (length == 0) {
            throw Errno.EINVAL.exception("mmap of 0 bytes");
        }
        if (length < 0) {
            throw Errno.ENOMEM.exception("mmap length " + Long.toUnsignedString(length) + " is too large");
        }
        if (offset < 0 || (offset & (PageSize.PAGE_SIZE - 1)) != 0) {
            throw Errno.EINVAL.exception("offset " + offset + " is not page aligned");
        }
    }

    @Override
    public void sync(long flags) {
        if ((flags & ~(SYNC_RW | SYNC_END)) != 0) {
            throw Errno.EINVAL.exception("sync flags 0x" + Long.toHexString(flags));
        }
        DmaDirection dir = switch ((int) (flags & SYNC_RW)) {
            case (int) SYNC_READ -> DmaDirection.FROM_DEVICE;
            case (int) SYNC_WRITE -> DmaDirection.TO_DEVICE;
            case (int) SYNC_RW -> DmaDirection.BIDIRECTIONAL;
            default -> throw Errno.EINVAL.exception("sync flags name neither read nor write");
        };
        // Begin waits for the buffer's pending work, as the kernel waits on the reservation's
        // fences: here a move or a mapping in progress holds the reservation lock.
        resv.lock();
        resv.unlock();
        DmaBufOps.CpuAccess op = (flags & SYNC_END) != 0 ? ops.endCpuAccess() : ops.beginCpuAccess();
        if (op != null) {
            op.apply(this, dir);
        }
    }

    @Override
    public int pinCount() {
        resv.lock();
        try {
            int n = 0;
            for (AttachmentImpl a : attachments) {
                n += a.pins > 0 ? 1 : 0;
            }
            return n;
        } finally {
            resv.unlock();
        }
    }

    @Override
    public void get() {
        if (!tryGet()) {
            throw Errno.EINVAL.exception(this + " is released");
        }
    }

    /** Takes a reference unless the buffer is already going; returns false then. */
    boolean tryGet() {
        long r;
        do {
            r = refs.get();
            if (r == 0) {
                return false;
            }
        } while (!refs.compareAndSet(r, r + 1));
        return true;
    }

    @Override
    public void put() {
        long r = refs.decrementAndGet();
        if (r < 0) {
            throw new IllegalStateException("dma-buf " + inode + " put more often than got");
        }
        if (r == 0) {
            release();
        }
    }

    private void release() {
        resv.lock();
        try {
            if (!attachments.isEmpty()) {
                warnings.warn("dma-buf " + inode + " released with " + attachments.size() + " attachments");
            }
            released = true;
        } finally {
            resv.unlock();
        }
        try {
            ops.release().run();
        } finally {
            onRelease.run();
        }
    }

    @Override
    public boolean released() {
        return released;
    }

    /** Returns a snapshot for listings. */
    DmaBufInfo info() {
        resv.lock();
        try {
            List<String> names = new ArrayList<>();
            int mappings = 0;
            for (AttachmentImpl a : attachments) {
                names.add(a.toString());
                mappings += a.mappingCount();
            }
            return new DmaBufInfo(inode, exporter, size, refs.get(), names, pinCount(), mappings);
        } finally {
            resv.unlock();
        }
    }

    @Override
    public String toString() {
        return "dma-buf " + inode + " (" + exporter + ", " + size + " bytes)";
    }
}
