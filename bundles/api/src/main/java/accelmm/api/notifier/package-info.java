/**
 * MMU interval notifiers: how a device mirror of CPU memory learns that the CPU's mappings changed,
 * and the sequence protocol that makes it impossible to program device PTEs from a stale snapshot.
 *
 * <h2>Locking</h2>
 * Invalidations run with the address space's mmap lock held by the thread that changes it. Inside,
 * the callback takes the driver's lock, calls {@code setSeq}, and zaps the device mappings. The
 * driver's fault path reads pages without its lock and commits under it after {@code readRetry}.
 * See {@link accelmm.api.notifier.IntervalNotifier} for the loop.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package accelmm.api.notifier;
