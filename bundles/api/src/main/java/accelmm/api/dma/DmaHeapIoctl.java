package accelmm.api.dma;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The dma-buf heap uapi ({@code linux/dma-heap.h}): ioctl numbers as {@code _IOC} builds them and
 * the layout of {@code struct dma_heap_allocation_data}, little-endian:
 * {@code u64 len; u32 fd; u32 fd_flags; u64 heap_flags}.
 *
 * <p>Concurrency: constants and pure functions.
 */
public final class DmaHeapIoctl {
    /** {@code _IOC_WRITE}: the user passes the struct in. */
    public static final int IOC_WRITE = 1;
    /** {@code _IOC_READ}: the kernel passes it back. */
    public static final int IOC_READ = 2;
    /** The heap ioctls' type, {@code DMA_HEAP_IOC_MAGIC}. */
    public static final int MAGIC = 'H';
    /** The size of {@code struct dma_heap_allocation_data}. */
    public static final int ALLOC_SIZE = 24;
    /** {@code DMA_HEAP_IOCTL_ALLOC}: {@code _IOWR('H', 0x0, struct dma_heap_allocation_data)}. */
    public static final int ALLOC = ioc(IOC_READ | IOC_WRITE, MAGIC, 0, ALLOC_SIZE);

    private DmaHeapIoctl() {
    }

    /**
     * Encodes an ioctl number as {@code _IOC(dir, type, nr, size)}.
     *
     * @throws IllegalArgumentException for a field out of its bits
     */
    public static int ioc(int dir, int type, int nr, int size) {
        if ((dir & ~3) != 0 || (type & ~0xff) != 0 || (nr & ~0xff) != 0 || (size & ~0x3fff) != 0) {
            throw new IllegalArgumentException("ioctl field out of range");
        }
        return dir << 30 | size << 16 | type << 8 | nr;
    }

    /** Returns the direction bits of a command ({@code _IOC_DIR}). */
    public static int dir(int cmd) {
        return cmd >>> 30;
    }

    /** Returns the struct size of a command ({@code _IOC_SIZE}). */
    public static int size(int cmd) {
        return (cmd >>> 16) & 0x3fff;
    }

    /** Returns the number of a command ({@code _IOC_NR}). */
    public static int nr(int cmd) {
        return cmd & 0xff;
    }

    /** Builds an allocation struct of {@code size} bytes (at least {@link #ALLOC_SIZE}'s fields that fit). */
    public static byte[] allocData(int size, long len, int fdFlags, long heapFlags) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, ALLOC_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, len).putInt(8, 0).putInt(12, fdFlags).putLong(16, heapFlags);
        byte[] out = new byte[size];
        System.arraycopy(b.array(), 0, out, 0, size);
        return out;
    }

    /** Reads the {@code fd} field of an allocation struct; -1 if the struct is too short to hold it. */
    public static int fd(byte[] allocData) {
        return allocData.length < 12 ? -1 : ByteBuffer.wrap(allocData).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
    }
}
