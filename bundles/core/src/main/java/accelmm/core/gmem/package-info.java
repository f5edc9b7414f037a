/**
 * The GMEM framework (the RFC's {@code mm/gmem.c}): devices and their MMU operations, address spaces
 * with logical page tables kept in step with the CPU by a notifier, contexts per device, the device
 * fault state machine, host faults that bring data back, and moves between host and devices.
 *
 * <h2>Locking</h2>
 * An address space's table is guarded by its monitor, never held while calling into the CPU's
 * address space; a context's commit takes its lock, which invalidations take too.
 *
 * <h2>State it owns</h2>
 * GMEM devices, address spaces, contexts, logical page tables and the mapping of each region.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * GmAs as = gmem.asCreate(mm, 0, USER_END);
 * as.attach(dev, GmMmuMode.REPLICATE, true);
 * gmem.devFault(mm, addr, dev, hint, write);
 * }</pre>
 */
package accelmm.core.gmem;
