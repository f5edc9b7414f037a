package accelmm.api.uapi.panfrost;

/**
 * {@code DRM_IOCTL_PANFROST_MMAP_BO}. Replies {@link PanfrostMmap}.
 *
 * @param handle the BO
 * @param flags must be 0
 */
public record PanfrostMmapBo(int handle, int flags) implements PanfrostIoctl<PanfrostMmap> {
}
