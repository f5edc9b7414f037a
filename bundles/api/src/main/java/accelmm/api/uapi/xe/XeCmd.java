package accelmm.api.uapi.xe;

/**
 * One command of an exec.
 *
 * @param op the command
 * @param va the GPU address
 * @param length bytes to load or copy
 * @param data bytes to store
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
        COPY
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

    /** An atomic increment. */
    public static XeCmd inc(long va) {
        return new XeCmd(Op.ATOMIC_INC, va, 4, null, 0);
    }
}
