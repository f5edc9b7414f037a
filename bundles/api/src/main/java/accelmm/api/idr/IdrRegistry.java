package accelmm.api.idr;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The core service that owns every named ID registry.
 *
 * <p>A registry is named by an owner (a device, a driver, a subsystem) and a name. Asking again for
 * the same owner and name returns the same registry with its contents: registries outlive the bundle
 * that asked for them, which is what lets a driver be replaced without losing a handle. Owners and
 * names are non-empty and contain neither white space nor {@code '/'}; the shell names a registry
 * {@code owner/name}.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface IdrRegistry {
    /**
     * Returns the IDR named {@code owner/name}, creating it with ids from {@code base} if it does not
     * exist.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad owner, name or a negative base;
     *     {@code EEXIST} if the name is taken by a registry of another kind or base
     */
    <T> Idr<T> idr(String owner, String name, int base);

    /**
     * Returns the IDA named {@code owner/name}, creating it if needed.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL}; {@code EEXIST} if the name is taken by
     *     another kind
     */
    Ida ida(String owner, String name);

    /**
     * Returns the allocating XArray named {@code owner/name}, creating it if needed. {@code base} is
     * 0 for {@code DEFINE_XARRAY_ALLOC} and 1 for {@code DEFINE_XARRAY_ALLOC1}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL}; {@code EEXIST} if the name is taken by
     *     another kind or base
     */
    <T> XArrayAlloc<T> xarray(String owner, String name, int base);

    /** Lists every registry, ordered by owner and name, with its current count. */
    List<RegistryInfo> list();

    /**
     * Lists the entries of one registry in ascending id order, at most {@code limit} of them.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} if there is no such registry;
     *     {@code EINVAL} if {@code limit < 0}
     */
    List<RegistryEntry> entries(String owner, String name, int limit);

    /**
     * Destroys the registry named {@code owner/name} and forgets it.
     *
     * @return true if it existed
     */
    boolean remove(String owner, String name);

    /** Returns how many caller bugs (the kernel's {@code WARN}s) the registries have seen. */
    long warnings();
}
