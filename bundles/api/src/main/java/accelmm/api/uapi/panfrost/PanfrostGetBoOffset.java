package accelmm.api.uapi.panfrost;

/**
 * {@code DRM_IOCTL_PANFROST_GET_BO_OFFSET}. Replies the GPU address as a {@code Long}.
 *
 * @param handle the BO
 */
public record PanfrostGetBoOffset(int handle) implements PanfrostIoctl<Long> {
}
