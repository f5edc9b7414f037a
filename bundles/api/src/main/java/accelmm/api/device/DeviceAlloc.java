package accelmm.api.device;

import java.util.List;

import accelmm.api.mm.Block;

/**
 * An allocation of device memory that a file holds by handle (a Habana memory pack): its blocks,
 * its page size, and how many device mappings use it.
 *
 * <p>Concurrency: {@link #maps()} is guarded by the device lock; the rest never changes.
 */
public final class DeviceAlloc {
    private final DeviceFile file;
    private final long size;
    private final long pageSize;
    private final List<Block> blocks;
    private int maps;

    /** An allocation of {@code size} bytes in {@code blocks}, in pages of {@code pageSize}. */
    public DeviceAlloc(DeviceFile file, long size, long pageSize, List<Block> blocks) {
        this.file = file;
        this.size = size;
        this.pageSize = pageSize;
        this.blocks = List.copyOf(blocks);
    }

    /** Returns the file that allocated it. */
    public DeviceFile file() {
        return file;
    }

    /** Returns the size in bytes, a whole number of pages. */
    public long size() {
        return size;
    }

    /** Returns the page size. */
    public long pageSize() {
        return pageSize;
    }

    /** Returns the blocks, in order. */
    public List<Block> blocks() {
        return blocks;
    }

    /** Returns the node offset of each page, in order. */
    public long[] pageOffsets() {
        long[] out = new long[(int) (size / pageSize)];
        int i = 0;
        for (Block b : blocks) {
            for (long o = b.offset(); o < b.end() && i < out.length; o += pageSize) {
                out[i++] = o;
            }
        }
        return out;
    }

    /** Returns how many device mappings use it. */
    public int maps() {
        return maps;
    }

    /** Adds {@code delta} to the mapping count. */
    public void addMaps(int delta) {
        maps += delta;
    }
}
