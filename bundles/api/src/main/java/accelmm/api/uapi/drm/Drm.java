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
}
