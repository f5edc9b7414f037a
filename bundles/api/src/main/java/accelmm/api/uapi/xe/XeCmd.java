package accelmm.api.uapi.xe;

/**
 * One command of an exec.
 *
 * @param op the command
 * @param va the GPU address
 * @param length bytes to load
 * @param data bytes to store
 */
public record XeCmd(Op op, long va, int length, byte[] data) {
    /** The commands. */
    public enum Op {
        /** Store bytes. */
        STORE,
        /** Load bytes into the result. */
        LOAD,
        /** Atomically increment the little-endian u32 at the address. */
        ATOMIC_INC
    }

    /** A store. */
    public static XeCmd store(long va, byte[] data) {
        return new XeCmd(Op.STORE, va, data.length, data);
    }

    /** A load. */
    public static XeCmd load(long va, int length) {
        return new XeCmd(Op.LOAD, va, length, null);
    }

    /** An atomic increment. */
    public static XeCmd inc(long va) {
        return new XeCmd(Op.ATOMIC_INC, va, 4, null);
    }
}
