package accelmm.api;

/**
 * The Linux error numbers (asm-generic values) that accelmm answers with.
 *
 * <p>Every user-reachable call reports failure with exactly the code the kernel would use, either as
 * an {@link ErrnoException} or, on hot internal paths, as a negative int ({@link #negative()}).
 *
 * <p>Concurrency: immutable.
 */
public enum Errno {
    /** Operation not permitted. */
    EPERM(1, "Operation not permitted"),
    /** No such file, entry or object. */
    ENOENT(2, "No such file or directory"),
    /** No such process. */
    ESRCH(3, "No such process"),
    /** Interrupted system call. */
    EINTR(4, "Interrupted system call"),
    /** I/O error. */
    EIO(5, "Input/output error"),
    /** Exec format error: not a module the loader can read. */
    ENOEXEC(8, "Exec format error"),
    /** Bad file descriptor. */
    EBADF(9, "Bad file descriptor"),
    /** Try again. */
    EAGAIN(11, "Resource temporarily unavailable"),
    /** Out of memory. */
    ENOMEM(12, "Cannot allocate memory"),
    /** Permission denied. */
    EACCES(13, "Permission denied"),
    /** Bad address. */
    EFAULT(14, "Bad address"),
    /** Device or resource busy. */
    EBUSY(16, "Device or resource busy"),
    /** Already exists. */
    EEXIST(17, "File exists"),
    /** No such device. */
    ENODEV(19, "No such device"),
    /** Is a directory. */
    EISDIR(21, "Is a directory"),
    /** Invalid argument. */
    EINVAL(22, "Invalid argument"),
    /** Too many open files. */
    EMFILE(24, "Too many open files"),
    /** Inappropriate ioctl for the file. */
    ENOTTY(25, "Inappropriate ioctl for device"),
    /** No space left (also: an ID range is full). */
    ENOSPC(28, "No space left on device"),
    /** Result out of range. */
    ERANGE(34, "Numerical result out of range"),
    /** Timer expired. */
    ETIME(62, "Timer expired"),
    /** Value too large for the data type. */
    EOVERFLOW(75, "Value too large for defined data type"),
    /** Operation not supported. */
    EOPNOTSUPP(95, "Operation not supported"),
    /** Connection or wait timed out. */
    ETIMEDOUT(110, "Connection timed out"),
    /** Operation canceled: what it waited for will not come. */
    ECANCELED(125, "Operation canceled");

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    /** Returns the positive error number, as in {@code errno.h}. */
    public int number() {
        return number;
    }

    /** Returns the kernel's return value for this error: {@code -number()}. */
    public int negative() {
        return -number;
    }

    /** Returns the C library's description, as {@code strerror} gives it. */
    public String description() {
        return description;
    }

    /**
     * Returns a new exception carrying this errno and a message that says what was wrong.
     *
     * @param detail what the caller did wrong, in the caller's terms
     */
    public ErrnoException exception(String detail) {
        return new ErrnoException(this, detail);
    }

    /**
     * Looks an error number up; accepts the positive number or the kernel's negative return value.
     *
     * @throws IllegalArgumentException if the number is not one accelmm uses
     */
    public static Errno of(int number) {
        int n = Math.abs(number);
        for (Errno e : values()) {
            if (e.number == n) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown errno " + number);
    }
}
