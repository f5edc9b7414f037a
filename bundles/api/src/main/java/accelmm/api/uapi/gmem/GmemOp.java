package accelmm.api.uapi.gmem;

/**
 * What a kernel does with each byte of its range.
 *
 * <p>Concurrency: immutable.
 */
public enum GmemOp {
    /** Reads the bytes; the reply carries them. */
    LOAD,
    /** Writes {@code value} to every byte. */
    STORE,
    /** Adds {@code value} to every byte (modulo 256). */
    INC,
    /**
     * Makes every page of a page-aligned range of whole pages hold the stamp
     * {@link accelmm.api.mm.Stamps#derive}{@code (value, page address)}.
     */
    STORE_STAMPS,
    /** Reads the stamp of every page of a page-aligned range of whole pages; the reply carries them, 8 little-endian bytes each. */
    LOAD_STAMPS
}
