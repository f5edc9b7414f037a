/**
 * The cost model and the simulated clock: what each memory operation would take on real hardware.
 *
 * <h2>Overview</h2>
 * Every device has a {@link accelmm.api.cost.CostModel} (presets for PCIe 4.0 x16, PCIe 5.0 x16
 * and NVLink-C2C; each figure configurable with {@code cost.*} keys) and a
 * {@link accelmm.api.cost.DeviceCost} the core charges where memory moves: a far fault, a
 * migration each way, an eviction, a TLB invalidation, the device's own accesses. A charge advances
 * the paying process's clock and the device's busy time, by {@link accelmm.api.cost.CostCategory};
 * DMA transfers queue for the device's engines, so transfers of different processes overlap.
 * {@link accelmm.api.cost.SimClocks} reads the clocks for the report.
 *
 * <h2>Locking</h2>
 * Each clock is a leaf lock: charging takes it briefly and calls nothing, so it may be done under
 * the device lock or the mmap lock.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * DeviceCost cost = dev.cost();
 * cost.fault(pid);
 * cost.transfer(pid, CostCategory.TO_DEVICE, 2L << 20);   // 1 us + 2 MiB / 31.5 GB/s on PCIe 4.0 x16
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package accelmm.api.cost;
