/**
 * GEM buffer objects: the state a driver's BOs are made of, kept by the core across driver updates,
 * and the helpers ({@link accelmm.api.gem.Gem}) that make, pin, purge, move, share and free them.
 *
 * <h2>Overview</h2>
 * A driver's BO is a {@link accelmm.api.gem.GemObject} in its device's table: the memory side (a
 * shmem file pinned in ranges, device-memory blocks, or an import) belongs to the core, which frees
 * it; the policy side (flags, GPU address, bind count, last use) is the driver's. A driver update
 * finds the same objects under the same handles.
 *
 * <h2>Locking</h2>
 * Objects and the table are guarded by the device lock ({@link accelmm.api.device.DeviceContext#lock()}).
 * PRIME import attaches the buffer before it takes that lock, since an exporter's callbacks may take
 * the exporting device's lock under the buffer's reservation lock; an import that {@link
 * accelmm.api.gem.Gem#free} hands back is released after the lock is dropped.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * Gem gem = dev.gem();
 * GemObject bo = gem.createShmem(file, "panfrost-bo", size, flags);
 * PinnedPages pins = gem.pin(bo, 0, bo.pageCount());
 * pgtable.mapEach(va, gem.pagePhys(bo), PAGE_SIZE, prot);
 * int handle = gem.handleCreate(bo);
 * ...
 * pgtable.unmapPages(va, PAGE_SIZE, bo.pageCount(), gather);
 * DeviceImport drop = gem.free(gem.lookup(file, handle));   // release drop after the unlock
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package accelmm.api.gem;
