package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_GEM_CREATE}: a buffer object in VRAM or in system memory. Replies the handle
 * as an {@code Integer}.
 *
 * @param size bytes, rounded up to a page
 * @param placement {@link Xe#LOC_SYSTEM} or {@link Xe#LOC_VRAM}
 */
public record XeBoCreate(long size, int placement) implements XeIoctl<Integer> {
}
