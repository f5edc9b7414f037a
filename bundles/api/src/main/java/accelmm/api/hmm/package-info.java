/**
 * Heterogeneous memory management: faulting a CPU address range for a device mirror
 * ({@link accelmm.api.hmm.HmmRange}, {@link accelmm.api.mm.AddressSpace#hmmRangeFault}) and the
 * retry loop around it ({@link accelmm.api.hmm.HmmRetry}); device memory in CPU address spaces,
 * device-private or device-coherent ({@link accelmm.api.hmm.DevicePagemap}), and migration to and
 * from it ({@link accelmm.api.hmm.MigrateVma}).
 *
 * <h2>Locking</h2>
 * {@code hmmRangeFault} and {@code migrateVma} take the address space's mmap lock and page-table
 * lock themselves; call them without the device lock, and program the device under the lock the
 * notifier's invalidate callback takes, after {@code readRetry} says the snapshot is still good.
 * Every entry's page, the zero page included, has a physical address
 * ({@link accelmm.api.hmm.HmmPfn#physAddr}) a device may read and map.
 *
 * <h2>Example: a device fault handler</h2>
 * <pre>{@code
 * HmmRange range = new HmmRange(notifier, start, end);
 * range.defaultFlags = HmmPfn.REQ_FAULT | (write ? HmmPfn.REQ_WRITE : 0);
 * while (true) {
 *     HmmRetry.fault(mm, range);               // EBUSY after 1 s, EFAULT/EPERM as the CPU would
 *     synchronized (mirrorLock) {              // the lock the invalidate callback takes
 *         if (notifier.readRetry(range.notifierSeq)) continue;
 *         program(range.pfns);                 // only VALID entries, never a stale snapshot
 *         break;
 *     }
 * }
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package accelmm.api.hmm;
