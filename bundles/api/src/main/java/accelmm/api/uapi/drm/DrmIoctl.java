package accelmm.api.uapi.drm;

/**
 * The ioctl requests of DRM core ioctls (PRIME) that every DRM driver answers, each with its reply type; a driver's
 * {@link accelmm.api.device.IoctlTable} handles every one of them.
 *
 * @param <R> the reply type
 */
public sealed interface DrmIoctl<R> extends accelmm.api.device.Request<R> permits PrimeFdToHandle, PrimeHandleToFd {
}
