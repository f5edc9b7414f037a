package accelmm.api.mm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A simple shared file: pages held by the core and mapped by any number of address spaces. Its
 * pages live as long as the file is open or mapped.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface SharedFile extends AutoCloseable {
    /** Returns the file's name. */
    String name();

    /** Returns the size in bytes. */
    long size();

    /** Returns false for a read-only file: shared writable mappings of it are refused. */
    boolean writable();

    /**
     * Reads file contents ({@code pread}); bytes past the end read as nothing.
     *
     * @return the number of bytes read
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a negative offset; {@code EBADF} if closed
     */
    int pread(long offset, byte[] dst, int off, int len);

    /**
     * Writes file contents ({@code pwrite}) within the file size.
     *
     * @return the number of bytes written
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a negative offset; {@code EFBIG}-like
     *     writes past the end are cut at the end; {@code EBADF} if closed or read-only
     */
    int pwrite(long offset, byte[] src, int off, int len);

    /**
     * Pins {@code count} pages from page {@code first}, bringing zeroed pages into the cache where
     * needed ({@code shmem_read_mapping_page} plus a pin): a device can then use the very frames the
     * CPU maps. A failure pins nothing.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} outside the file; {@code EBADF} once closed;
     *     {@code ENOMEM} when a page cannot be allocated
     */
    PinnedPages pinPages(long first, int count);

    /** Closes the file; its pages go when the last mapping goes. Closing twice is harmless. */
    @Override
    void close();
}
