/**
 * GMEM, the generalized memory-management framework of the 2023 RFC: devices ({@link GmDev}) with
 * registered physical memory ({@link GmHnode}), address spaces ({@link GmAs}) shared by the CPU and
 * the devices attached to them ({@link GmCtx}, one per device and {@link GmMmuMode}), a logical page
 * table at 2 MiB granularity ({@link GmPage}), the device fault state machine
 * ({@link Gmem#devFault}) and the host fault that brings device data back to the CPU. A device driver
 * supplies the MMU callbacks ({@link GmMmu}).
 *
 * <p>One error domain: failures are {@link accelmm.api.ErrnoException}s; {@link GmRet} only tells
 * the outcomes of a fault that are not errors.
 *
 * <h2>Example: a device fault loop</h2>
 * <pre>{@code
 * while (true) {
 *     long pa;
 *     synchronized (deviceLock) { pa = pmap.iovaToPhys(va); if (pa != 0) access(pa); }
 *     if (pa != 0) break;
 *     if (gmem.devFault(mm, va, dev, GmFaultHint.NONE) == GmRet.MIGRATING) dev.evictLru();
 * }
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package accelmm.api.gmem;
