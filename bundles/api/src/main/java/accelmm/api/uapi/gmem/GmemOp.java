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
    INC
}
