package accelmm.core.mm;

import java.util.List;

import accelmm.api.Errno;
import accelmm.api.PageSize;
import accelmm.api.mm.Block;
import accelmm.api.mm.DeviceMemory;
import accelmm.api.mm.NodeInfo;
import accelmm.core.mem.MemoryNode;

/**
 * {@link DeviceMemory} over a {@link MemoryNode}. Bytes may only be read or written inside
 * allocated blocks, so nothing can leave data where a later allocation would see it.
 *
 * <p>Concurrency: thread-safe through the node; {@link #removed} is set once.
 */
final class DeviceMemoryImpl implements DeviceMemory {
    private final MemoryNode node;
    private volatile boolean removed;

    DeviceMemoryImpl(MemoryNode node) {
        this.node = node;
    }

    MemoryNode node() {
        return node;
    }

    void markRemoved() {
        removed = true;
    }

    @Override
    public int id() {
        return node.id();
    }

    @Override
    public NodeInfo info() {
        return node.info();
    }

    @Override
    public int maxOrder() {
        return node.maxOrder();
    }

    @Override
    public List<Block> allocBlocks(long start, long end, long size, long minBlockSize, int flags) {
        if (removed) {
            throw Errno.ENODEV.exception(node.name() + " was removed");
        }
        return node.allocBlocks(start, end, size, minBlockSize, flags);
    }

    @Override
    public void freeBlocks(List<Block> blocks) {
        node.freeBlocks(blocks);
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) {
        copy(offset, dst, off, len, false);
    }

    @Override
    public void write(long offset, byte[] src, int off, int len) {
        copy(offset, src, off, len, true);
    }

    private void copy(long offset, byte[] buf, int off, int len, boolean write) {
        long size = node.frames() << PageSize.PAGE_SHIFT;
        if (buf == null || off < 0 || len < 0 || off + len > buf.length || offset < 0 || offset > size - len) {
            throw Errno.EINVAL.exception("range or buffer outside the node");
        }
        for (long a = offset & PageSize.PAGE_MASK; a < offset + len; a += PageSize.PAGE_SIZE) {
            if (!node.isAllocated(a >>> PageSize.PAGE_SHIFT)) {
                throw Errno.EFAULT.exception(String.format("0x%x of %s is not allocated", a, node.name()));
            }
        }
        PageCopy.forEachChunk(offset, len, (at, in, done, chunk) -> {
            if (write) {
                node.write(at >>> PageSize.PAGE_SHIFT, in, buf, off + done, chunk);
            } else {
                node.read(at >>> PageSize.PAGE_SHIFT, in, buf, off + done, chunk);
            }
        });
    }
}
