package accelmm.api.cost;

import java.util.List;
import java.util.Locale;

/**
 * What one device's memory operations cost in simulated time: its host link, its fault service,
 * its TLB invalidations, its DMA engines and its own memory. A transfer of {@code n} bytes takes
 * {@code linkLatencyNanos + n / min(linkBytesPerSecond, dmaBytesPerSecond)} on one of
 * {@code dmaEngines} engines; transfers on different engines overlap.
 *
 * <p>Concurrency: immutable.
 *
 * @param link the preset it started from ({@code pcie4-x16}, {@code pcie5-x16}, {@code nvlink-c2c}) or {@code custom}
 * @param linkBytesPerSecond the host link's bandwidth, each way
 * @param linkLatencyNanos the fixed cost of one transfer over the link
 * @param faultNanos the cost of serving one far fault (the GPU's round trip through the driver)
 * @param tlbNanos the cost of one device TLB invalidation
 * @param dmaBytesPerSecond one DMA engine's bandwidth
 * @param dmaEngines how many DMA engines copy at once
 * @param memoryBytesPerSecond the device's own memory bandwidth
 */
public record CostModel(String link, long linkBytesPerSecond, long linkLatencyNanos, long faultNanos, long tlbNanos,
        long dmaBytesPerSecond, int dmaEngines, long memoryBytesPerSecond) {
    private static final long GB = 1_000_000_000L;

    /** PCIe 4.0 x16: 16 GT/s a lane, 128b/130b coding, 31.5 GB/s each way (PCI-SIG). */
    public static final CostModel PCIE4_X16 = new CostModel("pcie4-x16", 31_500_000_000L, 1_000, 20_000, 1_000,
            31_500_000_000L, 2, 3_200 * GB);
    /** PCIe 5.0 x16: 32 GT/s a lane, 63 GB/s each way (PCI-SIG). */
    public static final CostModel PCIE5_X16 = new CostModel("pcie5-x16", 63 * GB, 1_000, 20_000, 1_000, 63 * GB, 2,
            3_200 * GB);
    /** NVLink-C2C: 900 GB/s both ways together, 450 GB/s each way (NVIDIA Grace Hopper). */
    public static final CostModel NVLINK_C2C = new CostModel("nvlink-c2c", 450 * GB, 500, 20_000, 1_000, 450 * GB, 4,
            4_000 * GB);

    /** The presets, by name. */
    public static final List<CostModel> PRESETS = List.of(PCIE4_X16, PCIE5_X16, NVLINK_C2C);

    /** Checks every figure is positive. */
    public CostModel {
        if (linkBytesPerSecond <= 0 || dmaBytesPerSecond <= 0 || memoryBytesPerSecond <= 0 || dmaEngines <= 0
                || linkLatencyNanos < 0 || faultNanos < 0 || tlbNanos < 0) {
            throw accelmm.api.Errno.EINVAL.exception("cost figures must be positive (bandwidths, engines) or zero (latencies)");
        }
    }

    /**
     * Returns the preset of a name.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} naming the presets there are
     */
    public static CostModel preset(String name) {
        for (CostModel m : PRESETS) {
            if (m.link.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw accelmm.api.Errno.EINVAL.exception("no link preset '" + name + "'; one of pcie4-x16, pcie5-x16, nvlink-c2c");
    }

    /** Returns the simulated time of moving {@code bytes} over the link on one engine. */
    public long transferNanos(long bytes) {
        long bw = Math.min(linkBytesPerSecond, dmaBytesPerSecond);
        return linkLatencyNanos + (long) Math.ceil(bytes * 1e9 / bw);
    }

    /** Returns the simulated time of the device reading or writing {@code bytes} of its own memory. */
    public long memoryNanos(long bytes) {
        return (long) Math.ceil(bytes * 1e9 / memoryBytesPerSecond);
    }

    /** Returns the simulated time of the device reading or writing {@code bytes} of host memory over the link. */
    public long remoteNanos(long bytes) {
        return (long) Math.ceil(bytes * 1e9 / linkBytesPerSecond);
    }
}
