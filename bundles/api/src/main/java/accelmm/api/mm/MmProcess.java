package accelmm.api.mm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A simulated process: a pid and an address space. Threads of the caller act as its threads.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface MmProcess {
    /** Returns the pid. */
    int pid();

    /** Returns the name. */
    String name();

    /** Returns the address space. */
    AddressSpace mm();

    /** Returns the file-descriptor table. */
    FdTable fds();

    /**
     * Forks: a new process with a copy-on-write copy of this address space and the same open
     * files under the same descriptors.
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM} (nothing is created); {@code ESRCH} if this
     *     process has exited; {@code EAGAIN} if no pid is free
     */
    MmProcess fork(String name);

    /** Exits: closes every descriptor, unmaps everything and frees the pid. A second call does nothing. */
    void exit();

    /** Returns false once the process has exited. */
    boolean alive();
}
