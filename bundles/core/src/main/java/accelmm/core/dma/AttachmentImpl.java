package accelmm.core.dma;

import java.util.IdentityHashMap;
import java.util.Map;

import accelmm.api.dma.DmaBuf;
import accelmm.api.dma.DmaBufAttachment;
import accelmm.api.dma.DmaBufImporterOps;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;

/**
 * An attachment and the mappings it holds: the cached one, and the others with whether each
 * pinned the buffer.
 *
 * <p>Concurrency: the mutable state is guarded by the buffer's reservation lock.
 */
final class AttachmentImpl implements DmaBufAttachment {
    final DmaBufImpl buf;
    final DmaDevice device;
    final DmaBufImporterOps importerOps;
    private final Object importerPriv;
    private volatile boolean peer2peer;
    volatile boolean detached;
    /** Pins held: by {@code dma_buf_pin} and by pinned mappings. */
    int pins;
    SgTable cached;
    DmaDirection cachedDir;
    boolean cachedPinned;
    /** Live mappings that are not cached, and whether each pinned the buffer. */
    final Map<SgTable, Boolean> maps = new IdentityHashMap<>();

    AttachmentImpl(DmaBufImpl buf, DmaDevice device, DmaBufImporterOps importerOps, Object importerPriv) {
        this.buf = buf;
        this.device = device;
        this.importerOps = importerOps;
        this.importerPriv = importerPriv;
        this.peer2peer = importerOps != null && importerOps.allowPeer2peer();
    }

    @Override
    public DmaBuf dmaBuf() {
        return buf;
    }

    @Override
    public DmaDevice device() {
        return device;
    }

    @Override
    public boolean peer2peer() {
        return peer2peer;
    }

    @Override
    public void clearPeer2peer() {
        peer2peer = false;
    }

    @Override
    public boolean dynamic() {
        return importerOps != null;
    }

    @Override
    public Object importerPriv() {
        return importerPriv;
    }

    @Override
    public boolean pinned() {
        buf.resv().lock();
        try {
            return pins > 0;
        } finally {
            buf.resv().unlock();
        }
    }

    @Override
    public boolean detached() {
        return detached;
    }

    /** Returns the number of mappings held. */
    int mappingCount() {
        return maps.size() + (cached == null ? 0 : 1);
    }

    @Override
    public String toString() {
        return device.name() + (dynamic() ? " (dynamic" + (peer2peer ? ", p2p)" : ")") : "");
    }
}
