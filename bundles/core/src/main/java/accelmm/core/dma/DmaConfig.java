package accelmm.core.dma;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the DMA service (PID {@code accelmm.core.dma}).
 */
@ObjectClassDefinition(name = "accelmm DMA", description = "PCI host bridges and DMA defaults of the simulated machine.")
public @interface DmaConfig {
    /** Root complexes through which peer-to-peer DMA is allowed. */
    @AttributeDefinition(name = "p2p host bridges", description = "Root complexes that pass peer-to-peer traffic between their ports.", required = false)
    String[] p2pHostBridges() default {};
}
