package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_MADVISE} (preferred location). Replies null.
 *
 * @param vm the VM
 * @param start page-aligned start
 * @param end page-aligned end
 * @param location {@link Xe#LOC_SYSTEM} or {@link Xe#LOC_VRAM}
 */
public record XeMadvise(int vm, long start, long end, int location) implements XeIoctl<Void> {
}
