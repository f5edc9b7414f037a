package accelmm.api.uapi.habana;

/**
 * {@code HL_MEM_OP_MAP} with {@code HL_MEM_USERPTR}: pins a user range and maps it for the device. Replies
 * {@link HlAddress}.
 *
 * @param hostAddress the user address
 * @param size bytes; the range must not wrap
 */
public record HlMapHost(long hostAddress, long size) implements HlIoctl<HlAddress> {
}
