package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_VM_CREATE}. Replies the VM id as an {@code Integer}.
 *
 * @param faultMode {@code LR_MODE | FAULT_MODE}: needed for CPU-address-mirror binds
 */
public record XeVmCreate(boolean faultMode) implements XeIoctl<Integer> {
}
