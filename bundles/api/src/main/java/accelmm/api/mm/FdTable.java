package accelmm.api.mm;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A process's file-descriptor table: open files by number, the lowest free number first, as Linux
 * allocates them. Closing the last descriptor of a file closes it; exit closes them all.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface FdTable {
    /** The most descriptors a process may hold ({@code RLIMIT_NOFILE}'s usual soft limit). */
    int MAX_FDS = 1024;

    /**
     * Installs an open file at the lowest free descriptor.
     *
     * @return the descriptor
     * @throws accelmm.api.ErrnoException {@code EMFILE} when {@link #MAX_FDS} are open;
     *     {@code EINVAL} for null; {@code ESRCH} after exit
     */
    int install(AutoCloseable file);

    /**
     * Returns the file of a descriptor.
     *
     * @throws accelmm.api.ErrnoException {@code EBADF} if it is not open
     */
    AutoCloseable get(int fd);

    /**
     * Closes a descriptor; the file is closed when no other descriptor refers to it.
     *
     * @throws accelmm.api.ErrnoException {@code EBADF} if it is not open
     */
    void close(int fd);

    /**
     * Duplicates a descriptor to the lowest free one ({@code dup}).
     *
     * @throws accelmm.api.ErrnoException {@code EBADF}; {@code EMFILE}
     */
    int dup(int fd);

    /**
     * Passes a descriptor's open file to another table at its lowest free descriptor, as
     * {@code SCM_RIGHTS} does: both descriptors then refer to the same open file.
     *
     * @return the descriptor in {@code to}
     * @throws accelmm.api.ErrnoException {@code EBADF} if {@code fd} is not open; {@code EMFILE} or
     *     {@code ESRCH} from {@code to}; {@code EINVAL} for a table of another manager
     */
    int passTo(int fd, FdTable to);

    /** Lists the open descriptors in ascending order. */
    List<Integer> open();
}
