package accelmm.api.device;

/**
 * Where a device stands with its driver.
 *
 * <p>Concurrency: immutable.
 */
public enum DeviceState {
    /** A driver is bound; calls run. */
    BOUND,
    /** The driver went away; calls wait for a replacement until the grace period ends. */
    WAITING,
    /** No driver: opening answers {@code ENODEV}; files of an unplugged generation are dead. */
    UNBOUND,
    /** The configuration was deleted. */
    REMOVED
}
