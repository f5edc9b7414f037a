/**
 * The Habana Labs memory uAPI ({@code HL_IOCTL_MEMORY} operations of {@code include/uapi/drm/habanalabs_accel.h})
 * as request and reply records for {@link accelmm.api.device.Devices#ioctl}: device memory
 * allocation, device virtual mappings, host memory pinning, dma-buf export, and the importer's
 * DMA copies from and to a dma-buf.
 *
 * <p>In MMU mode (the default) device memory is reached through device virtual addresses: DRAM
 * mappings start at {@link Hl#DRAM_VA_BASE}, host mappings at {@link Hl#HOST_VA_BASE}. With the
 * device setting {@code mmu=false} there is no DRAM virtual memory: an allocation answers the
 * physical DRAM address (from {@link Hl#DRAM_BASE}, user memory from {@link Hl#DRAM_USER_BASE}) and
 * exports name physical addresses.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package accelmm.api.uapi.habana;
