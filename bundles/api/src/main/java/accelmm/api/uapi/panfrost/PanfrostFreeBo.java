package accelmm.api.uapi.panfrost;

/**
 * {@code DRM_IOCTL_GEM_CLOSE}: drops a BO of the calling file; only faulted heap blocks are unmapped.
 * Replies null.
 *
 * @param handle the BO
 */
public record PanfrostFreeBo(int handle) implements PanfrostIoctl<Void> {
}
