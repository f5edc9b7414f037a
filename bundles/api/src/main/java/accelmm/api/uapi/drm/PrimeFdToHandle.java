package accelmm.api.uapi.drm;

/**
 * {@code DRM_IOCTL_PRIME_FD_TO_HANDLE}: imports a dma-buf descriptor as a BO of the calling file.
 * Replies the handle as an {@code Integer}.
 *
 * @param fd the dma-buf descriptor
 */
public record PrimeFdToHandle(int fd) implements DrmIoctl<Integer> {
}
