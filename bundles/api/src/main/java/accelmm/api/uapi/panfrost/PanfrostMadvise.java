package accelmm.api.uapi.panfrost;

/**
 * {@code DRM_IOCTL_PANFROST_MADVISE}. Replies {@code retained} as a {@code Boolean}: whether the
 * BO still has its pages.
 *
 * @param handle the BO
 * @param madv {@link Panfrost#MADV_WILLNEED} or {@link Panfrost#MADV_DONTNEED}
 */
public record PanfrostMadvise(int handle, int madv) implements PanfrostIoctl<Boolean> {
}
