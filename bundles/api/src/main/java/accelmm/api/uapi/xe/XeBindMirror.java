package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_VM_BIND} with {@code CPU_ADDR_MIRROR}: GPU addresses in {@code [start, end)}
 * mirror the process's CPU addresses, faulted in on GPU access. Replies null.
 *
 * @param vm a fault-mode VM
 * @param start page-aligned start
 * @param end page-aligned end
 */
public record XeBindMirror(int vm, long start, long end) implements XeIoctl<Void> {
}
