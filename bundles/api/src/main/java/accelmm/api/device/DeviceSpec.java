package accelmm.api.device;

import java.util.Map;

/**
 * A device's configuration (factory PID {@code accelmm.device}).
 *
 * <p>Concurrency: immutable.
 *
 * @param name the device name, unique
 * @param kind the driver kind that binds to it ({@code gna}, {@code panfrost}, ...)
 * @param memoryBytes the size of the device's own memory node; 0 for a device without memory
 * @param pageSizes the device MMU's page sizes as a bitmap of sizes
 * @param devicePageSize the device memory's allocation page size
 * @param maxSegSize the largest DMA segment
 * @param pciPosition the PCI path for p2p, or null
 * @param asidSlots hardware address-space slots
 * @param properties further driver-specific settings
 */
public record DeviceSpec(String name, String kind, long memoryBytes, long pageSizes, long devicePageSize, long maxSegSize,
        String pciPosition, int asidSlots, Map<String, String> properties) {
    /** Copies the properties. */
    public DeviceSpec {
        properties = Map.copyOf(properties);
    }
}
