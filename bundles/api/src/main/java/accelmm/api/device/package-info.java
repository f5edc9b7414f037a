/**
 * The driver model: devices the core creates from configuration, the
 * {@link accelmm.api.device.DeviceDriver} service interface driver bundles implement, open files and
 * ioctl dispatch ({@link accelmm.api.device.Devices}).
 *
 * <h2>Overview</h2>
 * The core owns every device's state; a driver is policy, bound to a device and replaceable while
 * the device is in use. A call (open, ioctl) enters the device's gate with the driver bound at that
 * moment; an update drains the calls in flight, unbinds the old driver once its callbacks have
 * drained too, binds the new one to the same state, and lets the waiting calls go on. A driver that
 * leaves with no successor leaves its devices waiting for one; after the grace period they are
 * unplugged (open files answer {@code ENODEV}, device mappings, pins and exports are torn down).
 * State that must survive an update lives in {@link accelmm.api.device.DeviceContext}, made of api
 * types: registries, page tables, the device lock, typed slots ({@link accelmm.api.device.StateKey}
 * in a {@link accelmm.api.device.StateStore}, on the device and on each file), GEM objects
 * ({@link accelmm.api.gem.Gem}) and GPU SVMs ({@link accelmm.api.gpusvm.GpuSvms}); an update walks
 * all of it and warns about any class of the leaving driver.
 *
 * <h2>Locking</h2>
 * The core's locks, in the only order in which they may be taken (outermost first):
 * <ol>
 * <li>{@code device_gate}: held (shared) by a call from entry to return; a driver update waits for
 *     it. Callbacks do not take it.
 * <li>{@code mmap_lock}: an address space's mmap lock, for writing by mmap, munmap, mprotect,
 *     mremap, fork and exit, for reading by faults, CPU accesses, GUP, {@code hmm_range_fault} and
 *     migration.
 * <li>{@code ptl}: the address space's page-table lock, taken by faults and migration inside the
 *     mmap lock. A CPU touch of a device-private page drops it before
 *     {@link accelmm.api.device.DeviceDriver#migrateToRam} and takes it again after.
 * <li>{@code mmu_notifier_invalidate}: the invalidation callbacks, run with the mmap lock and
 *     (for page-level changes) the page-table lock held. {@code readBegin} and a notifier's
 *     {@code remove} wait for the invalidation in progress, so they count as taking it.
 * <li>{@code device}: {@link accelmm.api.device.DeviceContext#lock()}, taken by invalidation
 *     callbacks and by a driver's commit of device page-table entries.
 * </ol>
 * So a driver holding its device lock never calls into an address space (no VMA lookup, CPU
 * access, {@code hmm_range_fault}, migration, device-page eviction, notifier insertion or removal,
 * {@code readBegin}) and never waits for another device; it collects that work and does it after
 * the unlock. A shrinker ({@link accelmm.api.device.DeviceDriver#shrinkScan}) is the exception that
 * runs on whatever thread ran the host out of memory, with any of these locks held: it takes its
 * device lock only with {@code tryLock}, never when the thread holds it already, and gives up
 * ({@code SHRINK_STOP}) otherwise. A dma-buf's reservation lock sits outside a device's lock: an
 * exporter's attach and map callbacks may take the exporting device's lock under it, so a driver
 * attaches and maps an import ({@link accelmm.api.device.DeviceContext#importDmaBuf}) before it
 * takes its own device lock and releases one after it drops it. The locks are {@link accelmm.api.lockdep.TrackedLock}s: with the lock-order checker on
 * (every test, {@code ./accelmm torture}, {@code --lockdep}), the first acquisition against this
 * order is reported with both stacks.
 *
 * <h2>Example</h2>
 * A GPU fault handler in the shape of {@code drm_gpusvm}:
 * <pre>{@code
 * VmaInfo vma = vmaOf(mm, addr);                 // mmap lock only
 * HmmRange range = new HmmRange(notifier, start, end);
 * range.defaultFlags = HmmPfn.REQ_FAULT;
 * HmmRetry.fault(mm, range);                     // readBegin, fault pages, no device lock
 * device.lock().lock();
 * try {
 *     if (notifier.readRetry(range.notifierSeq)) {
 *         return RETRY;                          // an invalidation ran: start over
 *     }
 *     map(range.pfns);                           // commit device PTEs from a fresh snapshot
 * } finally {
 *     device.lock().unlock();
 * }
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package accelmm.api.device;
