/**
 * Devices and the driver model: configuration, built-in devices, the call gate that drains calls
 * for a driver update, open files and what they hold (pins, shmem, DMA maps, notifiers), typed driver
 * state and the walk that checks it at an update, GEM objects, page tables, callbacks into the
 * bound driver, dma-buf exports and imports, and unplug.
 *
 * <h2>Locking</h2>
 * A call holds its device's gate (shared) from entry to return; an update quiesces it. A file's
 * tracked resources are guarded by the file; the device lock is the drivers' and the core's
 * innermost lock (invalidations take it).
 *
 * <h2>State it owns</h2>
 * Every device's memory node, DMA device, registries, state, GEM table, GPU SVMs, counters and files.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * devices.configure("pid.npu1", spec);        // a device from configuration
 * int fd = devices.open(process, "npu1");
 * Integer vm = devices.ioctl(process, fd, new XeVmCreate(true));
 * }</pre>
 */
package accelmm.core.device;
