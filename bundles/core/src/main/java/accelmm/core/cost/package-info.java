/**
 * The simulated clocks behind {@link accelmm.api.cost.DeviceCost} and {@link accelmm.api.cost.SimClocks}.
 *
 * <h2>Overview</h2>
 * {@link accelmm.core.cost.SimClocksImpl} keeps a clock per process and a cost record per device
 * name: the device's model, its busy time and the time each of its DMA engines is free again. A
 * transfer starts when both its payer and the engine free first are ready, so one process waits
 * for its own copies while another's run on a second engine.
 *
 * <h2>Locking</h2>
 * Every clock is a leaf monitor; a device's engine table is taken before a payer's clock is read,
 * never the other way round, and nothing else is called while either is held.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * SimClocksImpl clocks = new SimClocksImpl();
 * clocks.configure("xe0", CostModel.PCIE5_X16);
 * clocks.device("xe0").transfer(pid, CostCategory.TO_DEVICE, 1 << 20);
 * }</pre>
 */
package accelmm.core.cost;
