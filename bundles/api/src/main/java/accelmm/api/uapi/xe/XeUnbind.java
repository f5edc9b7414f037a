package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_VM_BIND} with {@code DRM_XE_VM_BIND_OP_UNMAP}: unmaps {@code [start, end)} of
 * a VM. BO binds inside it go (a bind it cuts keeps its other parts, with their offsets into the
 * BO), and mirror binds lose that part, which is {@code EBUSY} while an SVM range is mapped there.
 * Replies null; nothing changes when it fails.
 *
 * @param vm the VM
 * @param start page-aligned first address
 * @param end page-aligned end, above {@code start}
 */
public record XeUnbind(int vm, long start, long end) implements XeIoctl<Void> {
}
