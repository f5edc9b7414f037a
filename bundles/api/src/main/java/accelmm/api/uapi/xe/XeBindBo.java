package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_VM_BIND} of a buffer object at a GPU address. Replies null.
 *
 * @param vm the VM
 * @param handle the BO
 * @param va page-aligned GPU address; the BO's pages must not overlap another bind or a mirror
 */
public record XeBindBo(int vm, int handle, long va) {
}
