package accelmm.api.device;

/**
 * A snapshot of a device for listings.
 *
 * @param name the device
 * @param kind its driver kind
 * @param driver the bound driver's bundle, or "-"
 * @param driverVersion the bound driver's version, or "-"
 * @param state the device state
 * @param openFiles files open now
 * @param binds how often a driver was bound
 * @param unplugs how often the device was unplugged
 */
public record DeviceInfo(String name, String kind, String driver, String driverVersion, DeviceState state, int openFiles,
        long binds, long unplugs) {
}
