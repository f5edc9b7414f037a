package accelmm.api.uapi.panfrost;

/**
 * {@code DRM_IOCTL_PANFROST_WAIT_BO}: waits until no job uses the BO. Replies null.
 *
 * @param handle the BO
 * @param timeoutNs how long to wait; 0 only polls
 * @param pad must be 0
 */
public record PanfrostWaitBo(int handle, long timeoutNs, int pad) implements PanfrostIoctl<Void> {
}
