package accelmm.api.uapi.xe;

/**
 * One command of an exec.
 *
 * @param op the command
 * @param va the GPU address
 * @param length bytes to load or copy (for the stamp commands: bytes of the pages they cover)
 * @param data bytes to store (for {@link Op#STORE_STAMPS}: the stamps, 8 little-endian bytes each)
 * @param dst the destination of a copy
 */
public record XeCmd(Op op, long va, int length, byte[] data, long dst) {
    /** The commands. */
    public enum Op {
        /** Store bytes. */
        STORE,
        /** Load bytes into the result. */
        LOAD,
        /** Atomically increment the little-endian u32 at the address. */
        ATOMIC_INC,
        /** Copy bytes from the address to {@code dst}. */
        COPY,
        /** Make each page of a page-aligned range hold a stamp ({@link accelmm.api.mm.Stamps}). */
        STORE_STAMPS,
        /** Load the stamp of each page of a page-aligned range into the result, 8 little-endian bytes each. */
        LOAD_STAMPS
    }

    /** A store. */
    public static XeCmd store(long va, byte[] data) {
        return new XeCmd(Op.STORE, va, data.length, data, 0);
    }

    /** A load. */
    public static XeCmd load(long va, int length) {
        return new XeCmd(Op.LOAD, va, length, null, 0);
    }

    /** A copy of {@code length} bytes from {@code src} to {@code dst}. */
    public static XeCmd copy(long src, long dst, int length) {
        return new XeCmd(Op.COPY, src, length, null, dst);
    }

    /** Stores one stamp in each page from page-aligned {@code va}. */
    public static XeCmd storeStamps(long va, long[] stamps) {
        return new XeCmd(Op.STORE_STAMPS, va, stamps.length * 4096, accelmm.api.mm.Stamps.pack(stamps), 0);
    }

    /** Loads the stamps of {@code pages} pages from page-aligned {@code va}. */
    public static XeCmd loadStamps(long va, int pages) {
        return new XeCmd(Op.LOAD_STAMPS, va, pages * 4096, null, 0);
    }

    /** An atomic increment. */
    public static XeCmd inc(long va) {
        return new XeCmd(Op.ATOMIC_INC, va, 4, null, 0);
    }
}
