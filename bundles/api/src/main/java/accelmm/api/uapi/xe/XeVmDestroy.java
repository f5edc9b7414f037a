package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_VM_DESTROY}: unbinds everything of the VM. Replies null.
 *
 * @param vm the VM
 */
public record XeVmDestroy(int vm) implements XeIoctl<Void> {
}
