package accelmm.api.uapi.drm;

/**
 * DRM core constants.
 *
 * <p>Concurrency: constants only.
 */
public final class Drm {
    /** {@code DRM_CLOEXEC}: the new descriptor closes on exec ({@code O_CLOEXEC}). */
    public static final int CLOEXEC = 0x80000;
    /** {@code DRM_RDWR}: the dma-buf's file is writable, so it can be mapped shared and writable. */
    public static final int RDWR = 2;

    private Drm() {
    }

    /**
     * Checks the flags of {@link PrimeHandleToFd} ({@code drm_prime_handle_to_fd_ioctl}) and returns
     * them as descriptor flags for {@link accelmm.api.dma.Dma#fd}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for flags other than {@link #CLOEXEC} and
     *     {@link #RDWR}
     */
    public static int primeFdFlags(int flags) {
        if ((flags & ~(CLOEXEC | RDWR)) != 0) {
            throw accelmm.api.Errno.EINVAL.exception("PRIME flags 0x" + Integer.toHexString(flags));
        }
        return flags;
    }
}
