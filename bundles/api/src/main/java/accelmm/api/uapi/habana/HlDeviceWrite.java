package accelmm.api.uapi.habana;

/**
 * The device's engines write memory at a device virtual address (a DMA job). Replies null.
 *
 * @param deviceVa where to write
 * @param data the bytes
 */
public record HlDeviceWrite(long deviceVa, byte[] data) implements HlIoctl<Void> {
}
