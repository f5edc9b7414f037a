package accelmm.core.device;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One device (factory PID {@code accelmm.device}); a configuration named like a built-in device
 * replaces it.
 */
@ObjectClassDefinition(name = "accelmm device", description = "A simulated accelerator: its kind, memory, MMU and DMA limits, and PCI position.")
public @interface DeviceConfig {
    /** The device name. */
    @AttributeDefinition(name = "Name", description = "Unique device name, e.g. gna1.")
    String name();

    /** The driver kind. */
    @AttributeDefinition(name = "Kind", description = "The kind of driver that binds to it: gna, panfrost, habana, xe, gmem, or a plugin's kind.")
    String kind();

    /** Device memory in MiB. */
    @AttributeDefinition(name = "Memory (MiB)", description = "Size of the device's own memory node; 0 for none.", min = "0")
    long memoryMiB() default 0;

    /** MMU page sizes. */
    @AttributeDefinition(name = "Page sizes", description = "Device MMU page sizes, comma separated (4k, 2m, 1g).")
    String pageSizes() default "4k,2m,1g";

    /** Device memory page size. */
    @AttributeDefinition(name = "Device page size", description = "Allocation page size of the device memory (4k, 2m).")
    String devicePageSize() default "4k";

    /** DMA segment limit. */
    @AttributeDefinition(name = "Max DMA segment", description = "Largest DMA segment in bytes (dma_set_max_seg_size).", min = "1")
    long maxSegSize() default 65536;

    /** PCI position. */
    @AttributeDefinition(name = "PCI position", description = "Path from the root complex, e.g. rc0/sw0/habana0; empty for none.", required = false)
    String pciPosition() default "";

    /** Driver-specific settings. */
    @AttributeDefinition(name = "Driver settings", description = "Driver-specific settings as key=value, e.g. mmu=false for a Habana device without DRAM virtual memory.", required = false)
    String[] properties() default {};

    /** Address-space slots. */
    @AttributeDefinition(name = "Address-space slots", description = "Hardware address-space slots (Panfrost has 8).", min = "1")
    int asidSlots() default 8;
}
