package accelmm.api.uapi.xe;

/**
 * {@code DRM_IOCTL_XE_VM_BIND} of a buffer object at a GPU address ({@code DRM_XE_VM_BIND_OP_MAP}).
 * Replies null. Inside a CPU-address-mirror bind the BO takes the place of that part of the mirror,
 * as GPUVM remaps the mirror around it, while no SVM range is mapped there; with one it is
 * {@code EBUSY} ({@code xe_svm_has_mapping}).
 *
 * @param vm the VM
 * @param handle the BO
 * @param va page-aligned GPU address; the BO's pages must not overlap another BO or a userptr bind
 */
public record XeBindBo(int vm, int handle, long va) implements XeIoctl<Void> {
}
