/**
 * ID registries: {@link accelmm.api.idr.Idr} ({@code lib/idr.c}), {@link accelmm.api.idr.Ida} and
 * the allocating {@link accelmm.api.idr.XArrayAlloc}, all created and kept by the core's
 * {@link accelmm.api.idr.IdrRegistry} service.
 *
 * <h2>Semantics</h2>
 * Allocation hands out the lowest free id in the requested range; {@code end <= 0} means up to
 * {@code INT_MAX}; a negative start is {@code EINVAL}; a full range is {@code ENOSPC} (or
 * {@code EBUSY} for an XArray). Ids allocated with {@code null} are taken but invisible to lookups
 * and iteration.
 *
 * <h2>Locking</h2>
 * Lookups are lock-free and never see a half-built object if the owner follows the publish pattern:
 * <pre>{@code
 * Idr<Memory> idr = registry.idr("gna0", "memory", 1);
 * int id = idr.alloc(null, 1, 0);      // reserve
 * Memory mo = build(...);              // may fail: then idr.remove(id)
 * idr.replace(mo, id);                 // publish
 * }</pre>
 * Writers are serialized inside each registry, so drivers need no lock of their own around
 * allocation. For an allocation that must not fail with {@code ENOMEM}, hold a preload scope:
 * {@code try (Preload p = idr.preload()) { idr.alloc(x, 1, 0); }}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package accelmm.api.idr;
