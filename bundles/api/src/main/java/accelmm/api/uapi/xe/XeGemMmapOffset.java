package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_GEM_MMAP_OFFSET}: the offset through which a process maps a BO. Replies an
 * {@link XeMmap}. A VRAM BO moves to system memory first, as Xe migrates a BO the CPU cannot reach
 * in VRAM; here every VRAM BO is treated so, and it moves when the offset is asked for rather than
 * at the first CPU fault. Its GPU mappings follow it.
 *
 * @param handle the BO
 * @param flags none are defined: other than 0 is {@code EINVAL}
 */
public record XeGemMmapOffset(int handle, long flags) implements XeIoctl<XeMmap> {
}
