package accelmm.api;

import java.util.Objects;

/**
 * A failed call, carrying the exact {@link Errno} the kernel would return.
 *
 * <p>The failed call has changed nothing: every accelmm operation that throws this rolls its
 * partial work back first. The message reads {@code EINVAL: <detail>}.
 *
 * <p>Concurrency: immutable.
 */
public class ErrnoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    /**
     * Creates the exception.
     *
     * @param errno the error code; never null
     * @param detail what was wrong
     */
    public ErrnoException(Errno errno, String detail) {
        super(Objects.requireNonNull(errno, "errno").name() + ": " + detail);
        this.errno = errno;
    }

    /** Returns the error code. */
    public Errno errno() {
        return errno;
    }

    /** Returns what was wrong, without the errno's name. */
    public String detail() {
        return getMessage().substring(errno.name().length() + 2);
    }

    /**
     * Returns the message alone, {@code ERRNO: detail}: what a shell prints for a failed command
     * is the kernel's answer, not a Java class name.
     */
    @Override
    public String toString() {
        return getMessage();
    }

    /** Returns the kernel-style return value, {@code -errno}. */
    public int negative() {
        return errno.negative();
    }
}
