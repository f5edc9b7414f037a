package accelmm.api.uapi.habana;

/**
 * The device's engines read memory at a device virtual address. Replies the bytes.
 *
 * @param deviceVa where to read
 * @param length how many bytes
 */
public record HlDeviceRead(long deviceVa, int length) implements HlIoctl<byte[]> {
}
