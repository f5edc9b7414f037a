package accelmm.api.uapi.panfrost;

/**
 * {@code DRM_IOCTL_PANFROST_CREATE_BO}. Replies {@link PanfrostBo}.
 *
 * @param size bytes; a heap is rounded up to 2 MiB, other BOs to a page
 * @param flags {@link Panfrost#BO_NOEXEC}, {@link Panfrost#BO_HEAP}
 * @param pad must be 0
 */
public record PanfrostCreateBo(long size, int flags, int pad) implements PanfrostIoctl<PanfrostBo> {
}
