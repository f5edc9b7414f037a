package accelmm.api.uapi.habana;

/**
 * Simulates a device reset: while not operational, memory operations answer {@code EBUSY}. Replies null.
 *
 * @param operational false while the device resets
 */
public record HlSetOperational(boolean operational) implements HlIoctl<Void> {
}
