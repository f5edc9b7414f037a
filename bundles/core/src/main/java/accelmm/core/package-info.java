/**
 * The core bundle: the memory manager, devices and their driver model, DMA and dma-bufs, GMEM,
 * and the registries they share. Drivers and the shell reach it only through the api's services;
 * {@link accelmm.core.StandaloneCore} wires the same parts without a framework (tests, benchmarks).
 *
 * <h2>Locking</h2>
 * Each subsystem documents its own locks; the order in which they may nest is the one written
 * in the {@code accelmm.api.device} package description (device gate, mmap lock, page-table lock,
 * notifier invalidation, device lock).
 *
 * <h2>State it owns</h2>
 * Everything a process or a driver holds: address spaces, frames, devices and their state.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * StandaloneCore core = new StandaloneCore(64L << 20, 3_600_000, false, Set.of());
 * MmProcess p = core.memory.spawn("demo");
 * int fd = core.devices.open(p, "xe0");
 * }</pre>
 */
package accelmm.core;
