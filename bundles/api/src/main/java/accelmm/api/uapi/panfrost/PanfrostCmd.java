package accelmm.api.uapi.panfrost;

/**
 * One command of a job's stream.
 *
 * @param op {@link Op#STORE} ({@code data} at {@code va}), {@link Op#LOAD} ({@code length} bytes
 *     at {@code va} into the job's output), {@link Op#COPY} ({@code length} bytes from {@code va} to
 *     {@code dst})
 * @param va the GPU address
 * @param dst the destination of a copy
 * @param length bytes to load or copy
 * @param data bytes to store
 */
public record PanfrostCmd(Op op, long va, long dst, int length, byte[] data) {
    /** The commands. */
    public enum Op {
        /** Store bytes. */
        STORE,
        /** Load bytes into the job's output. */
        LOAD,
        /** Copy bytes. */
        COPY,
        /** Make each page of a page-aligned range hold a stamp ({@link accelmm.api.mm.Stamps}); {@code data} carries them, 8 little-endian bytes each. */
        STORE_STAMPS,
        /** Load the stamp of each page of a page-aligned range into the job's output, 8 little-endian bytes each. */
        LOAD_STAMPS
    }

    /** A store. */
    public static PanfrostCmd store(long va, byte[] data) {
        return new PanfrostCmd(Op.STORE, va, 0, data.length, data);
    }

    /** A load. */
    public static PanfrostCmd load(long va, int length) {
        return new PanfrostCmd(Op.LOAD, va, 0, length, null);
    }

    /** Stores one stamp in each page from page-aligned {@code va}. */
    public static PanfrostCmd storeStamps(long va, long[] stamps) {
        return new PanfrostCmd(Op.STORE_STAMPS, va, 0, stamps.length * 4096, accelmm.api.mm.Stamps.pack(stamps));
    }

    /** Loads the stamps of {@code pages} pages from page-aligned {@code va}. */
    public static PanfrostCmd loadStamps(long va, int pages) {
        return new PanfrostCmd(Op.LOAD_STAMPS, va, 0, pages * 4096, null);
    }

    /** A copy. */
    public static PanfrostCmd copy(long src, long dst, int length) {
        return new PanfrostCmd(Op.COPY, src, dst, length, null);
    }
}
