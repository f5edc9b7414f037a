package accelmm.api.gem;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import accelmm.api.device.DeviceFile;
import accelmm.api.device.DeviceImport;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A device's GEM objects and the helpers drivers build BOs from ({@code drm_gem.c},
 * {@code drm_gem_shmem_helper.c}, {@code drm_prime.c}, and TTM's move to system memory): the handle
 * table, shmem objects pinned in ranges, purge and madvise, device-memory objects, and PRIME in
 * both directions. Handles are device-wide numbers from 1; a lookup through another file's handle
 * is {@code ENOENT}, as if it were not there.
 *
 * <p>Concurrency: every method but {@link #find} and {@link #primeFdToHandle} runs under the device
 * lock; {@link #primeFdToHandle} takes it itself, after it attached the buffer.
 */
@ProviderType
public interface Gem {
    /**
     * Makes an object of zeroed shmem pages ({@code drm_gem_shmem_create}), not yet pinned; the
     * size is rounded up to whole pages.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a size below 1
     */
    GemObject createShmem(DeviceFile file, String name, long size, int flags);

    /**
     * Makes an object in blocks of the device's memory, zeroed.
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if device memory has no room;
     *     {@code ENODEV} for a device without memory
     */
    GemObject createVram(DeviceFile file, long size, int flags);

    /** Makes the object that stands for an import ({@code gem_prime_import_sg_table}). */
    GemObject createImport(DeviceFile file, DeviceImport imported, int flags);

    /**
     * Gives an object its handle ({@code drm_gem_handle_create}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOSPC} when no handle is free
     */
    int handleCreate(GemObject obj);

    /**
     * Returns the object of {@code handle} in {@code file} ({@code drm_gem_object_lookup}).
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown handle or another file's
     */
    GemObject lookup(DeviceFile file, int handle);

    /** Returns the object of {@code handle} in any file, or null. Context: any; takes no lock. */
    GemObject find(int handle);

    /** Returns the objects of {@code file} (of every file for null), by handle. */
    List<GemObject> objects(DeviceFile file);

    /**
     * Pins {@code count} shmem pages from {@code firstPage} for the object's file
     * ({@code drm_gem_shmem_get_pages} over a range) and keeps them with the object; a range pinned
     * already is returned as it is.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a range outside the object, an object
     *     without shmem, or a first page pinned already with another count; {@code ENOMEM} when the
     *     host has no pages
     */
    accelmm.api.mm.PinnedPages pin(GemObject obj, long firstPage, int count);

    /** Unpins the range pinned from {@code firstPage}, if there is one. */
    void unpin(GemObject obj, long firstPage);

    /** Returns the physical address of every page: device memory, pinned shmem pages, or the import's. */
    long[] pagePhys(GemObject obj);

    /**
     * Sets the madvise state ({@code drm_gem_shmem_madvise}); a purged object stays purged.
     *
     * @return false if the object is purged (its pages are gone)
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an advice other than
     *     {@link GemObject#MADV_WILLNEED} and {@link GemObject#MADV_DONTNEED}
     */
    boolean madvise(GemObject obj, int madv);

    /** Returns true for a DONTNEED object that is not shared ({@code drm_gem_shmem_is_purgeable}). */
    boolean purgeable(GemObject obj);

    /**
     * Drops a purgeable object's pages ({@code drm_gem_shmem_purge}): unpins them, lets its shmem go
     * for an empty one and marks it purged. The driver unmaps it first.
     */
    void purge(GemObject obj);

    /**
     * Moves a device-memory object to pinned shmem pages, as TTM evicts a BO that may live in
     * system memory: the pages are copied (bytes or stamps alike), {@code remap} is given their new
     * physical addresses while the old ones still hold the data, then the device memory is freed.
     *
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if system memory cannot hold it (it stays
     *     where it was); {@code EINVAL} for an object not in device memory
     */
    void moveToSystem(GemObject obj, Consumer<long[]> remap);

    /**
     * Deletes a handle and frees the object ({@code drm_gem_handle_delete}): its pins go, its shmem
     * is closed unless an export's buffer holds it, its device memory is freed. The driver unmaps
     * it first.
     *
     * @return the object's import, for the caller to release once it dropped the device lock, or null
     */
    DeviceImport free(GemObject obj);

    /**
     * {@code drm_gem_prime_handle_to_fd} for an object of shmem pages or an import: the import's
     * original buffer, the object's export while its buffer lives, or a new export whose cookie is
     * {@code cookie}.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown handle; {@code EINVAL} for
     *     an object in device memory (move it first); the descriptor table's {@code EMFILE}
     */
    int primeHandleToFd(DeviceFile file, int handle, int fdFlags, long cookie);

    /**
     * {@code drm_gem_prime_fd_to_handle}: the handle the file has for the buffer (an import of it or
     * the object it exports), or a new object from {@code bind}, which gets the attached and mapped
     * import and makes the object (a driver maps it, for one). The buffer is attached before the
     * device lock is taken and released after it is dropped if it is not kept.
     *
     * <p>Context: a call not holding the device lock.
     *
     * @throws accelmm.api.ErrnoException {@code EBADF}, {@code EINVAL} as
     *     {@link accelmm.api.device.DeviceContext#importDmaBuf}; what {@code bind} throws
     */
    int primeFdToHandle(DeviceFile file, int fd, Function<DeviceImport, GemObject> bind);
}
