package accelmm.api.dma;

/**
 * An exporter's operations ({@code struct dma_buf_ops}); a null member is an operation the
 * exporter does not provide. {@code map}, {@code unmap} and {@code release} are mandatory; an
 * exporter with {@code pin} and {@code unpin} is dynamic (its memory may move while not pinned).
 *
 * <p>Concurrency: the operations are called without the core's locks, except {@code pin},
 * {@code unpin}, {@code map} and {@code unmap}, which run under the buffer's reservation lock.
 *
 * @param attach vets a new attachment: may throw to refuse it, or clear its peer2peer flag
 * @param detach is told an attachment goes away
 * @param pin pins the memory for an attachment: it must not move until unpinned
 * @param unpin undoes {@code pin}
 * @param map maps the memory for an attachment's device, returning a DMA-mapped table
 * @param unmap unmaps a table from {@code map}
 * @param release frees the exporter's object on the last close
 * @param cacheSgtMapping keep the first mapping of each attachment and return it again (older
 *     kernels' {@code cache_sgt_mapping})
 * @param mmap maps the buffer into a process ({@code mmap}); without it a process's {@code mmap}
 *     of the buffer is {@code EINVAL}
 * @param beginCpuAccess prepares the memory for the CPU ({@code begin_cpu_access}, from
 *     {@code DMA_BUF_IOCTL_SYNC} without {@code END}); optional
 * @param endCpuAccess hands the memory back to devices ({@code end_cpu_access}); optional
 */
public record DmaBufOps(Attach attach, Detach detach, Pin pin, Pin unpin, MapOp map, UnmapOp unmap,
        Runnable release, boolean cacheSgtMapping, MmapOp mmap, CpuAccess beginCpuAccess,
        CpuAccess endCpuAccess) {

    /** Operations without {@code mmap} and CPU-access brackets. */
    public DmaBufOps(Attach attach, Detach detach, Pin pin, Pin unpin, MapOp map, UnmapOp unmap,
            Runnable release, boolean cacheSgtMapping) {
        this(attach, detach, pin, unpin, map, unmap, release, cacheSgtMapping, null, null, null);
    }

    /** Maps the buffer into a process. */
    @FunctionalInterface
    public interface MmapOp {
        /**
         * Maps {@code length} bytes of the buffer from byte {@code offset} at {@code addr} of
         * {@code mm} (a hint, or exact with {@code MAP_FIXED}); the core has checked that the
         * range lies inside the buffer.
         *
         * @param writeAccess the buffer's file is open for writing: without it a shared mapping
         *     may never become writable (pass it on to
         *     {@link accelmm.api.mm.AddressSpace#mmap(long, long, int, int, accelmm.api.mm.SharedFile, long, boolean)})
         * @return the address of the mapping
         * @throws accelmm.api.ErrnoException as {@link accelmm.api.mm.AddressSpace#mmap}
         */
        long mmap(DmaBuf buf, accelmm.api.mm.AddressSpace mm, long addr, long length, int prot, int flags,
                long offset, boolean writeAccess);
    }

    /** Brackets CPU access. */
    @FunctionalInterface
    public interface CpuAccess {
        /**
         * Makes the memory coherent for the CPU (begin) or for devices (end) in {@code dir}.
         *
         * @throws accelmm.api.ErrnoException to fail the {@code DMA_BUF_IOCTL_SYNC}
         */
        void apply(DmaBuf buf, DmaDirection dir);
    }

    /** Vets an attachment. */
    @FunctionalInterface
    public interface Attach {
        /**
         * Accepts or refuses an attachment.
         *
         * @throws accelmm.api.ErrnoException to refuse it
         */
        void attach(DmaBufAttachment attachment);
    }

    /** Hears of a detach. */
    @FunctionalInterface
    public interface Detach {
        /** An attachment goes away. */
        void detach(DmaBufAttachment attachment);
    }

    /** Pins or unpins. */
    @FunctionalInterface
    public interface Pin {
        /**
         * Pins or unpins for an attachment.
         *
         * @throws accelmm.api.ErrnoException when the memory cannot be pinned
         */
        void apply(DmaBufAttachment attachment);
    }

    /** Maps for an attachment. */
    @FunctionalInterface
    public interface MapOp {
        /**
         * Maps the buffer for the attachment's device.
         *
         * @return the DMA-mapped table; null is answered {@code ENOMEM}
         * @throws accelmm.api.ErrnoException to fail the mapping
         */
        SgTable map(DmaBufAttachment attachment, DmaDirection dir);
    }

    /** Unmaps for an attachment. */
    @FunctionalInterface
    public interface UnmapOp {
        /** Unmaps a table returned by the map operation. */
        void unmap(DmaBufAttachment attachment, SgTable table, DmaDirection dir);
    }

    /** Returns true if the exporter is dynamic (provides pin and unpin). */
    public boolean dynamic() {
        return pin != null && unpin != null;
    }
}
