package accelmm.api.uapi.drm;

/**
 * {@code DRM_IOCTL_PRIME_HANDLE_TO_FD}: exports a BO of the calling file as a dma-buf. Replies
 * the new descriptor as an {@code Integer}.
 *
 * @param handle the BO
 * @param flags {@link Drm#CLOEXEC} and {@link Drm#RDWR}
 */
public record PrimeHandleToFd(int handle, int flags) implements DrmIoctl<Integer> {
}
