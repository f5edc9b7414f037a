package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_GEM_CLOSE}: frees a BO that no VM binds. Replies null.
 *
 * @param handle the BO
 */
public record XeBoClose(int handle) implements XeIoctl<Void> {
}
