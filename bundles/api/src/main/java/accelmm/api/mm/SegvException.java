package accelmm.api.mm;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

/**
 * A simulated {@code SIGSEGV}: a CPU access to an address with no mapping ({@code SEGV_MAPERR}) or
 * with a protection that forbids it ({@code SEGV_ACCERR}). The access changed nothing. Its errno is
 * {@code EFAULT}.
 *
 * <p>Concurrency: immutable.
 */
public final class SegvException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    private final long address;
    private final boolean mapped;

    /**
     * Creates the fault.
     *
     * @param address the first address that could not be accessed
     * @param mapped true for {@code SEGV_ACCERR} (mapped, but the protection forbids the access)
     * @param write true for a write access
     */
    public SegvException(long address, boolean mapped, boolean write) {
        super(Errno.EFAULT, String.format("SIGSEGV (%s) on %s at 0x%x", mapped ? "SEGV_ACCERR" : "SEGV_MAPERR",
                write ? "write" : "read", address));
        this.address = address;
        this.mapped = mapped;
    }

    /** Returns the faulting address. */
    public long address() {
        return address;
    }

    /** Returns true for {@code SEGV_ACCERR}, false for {@code SEGV_MAPERR}. */
    public boolean mapped() {
        return mapped;
    }
}
