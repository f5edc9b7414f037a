package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_VM_BIND} of a userptr range (the seed's hmmptr mode): GPU addresses are the
 * CPU's, faulted in on GPU access, and the pages always stay in system memory (no device owner, so
 * memory advice does not move them). Replies null.
 *
 * @param vm the VM
 * @param start page-aligned start
 * @param end page-aligned end
 */
public record XeBindUserptr(int vm, long start, long end) implements XeIoctl<Void> {
}
