package accelmm.core;

import java.util.Set;

import accelmm.api.idr.XArrayAlloc;
import accelmm.core.device.DeviceManagerImpl;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.dma.DmaImpl;
import accelmm.core.gmem.GmemImpl;
import accelmm.core.idr.IdrRegistryImpl;
import accelmm.core.mm.MemoryManagerImpl;

/**
 * The core's services wired together without a framework, for driver unit tests and benchmarks:
 * diagnostics, the ID registry, the memory manager, DMA and the device manager.
 *
 * <p>Concurrency: as the services.
 */
public final class StandaloneCore implements AutoCloseable {
    /** Fault injection and warnings of this core alone. */
    public final CoreDiagnostics diag = CoreDiagnostics.create();
    /** The ID registry. */
    public final IdrRegistryImpl registry = new IdrRegistryImpl(diag);
    /** The memory manager. */
    public final MemoryManagerImpl memory;
    /** The DMA service. */
    public final DmaImpl dma;
    /** The GMEM framework. */
    public final GmemImpl gmem;
    /** The device manager. */
    public final DeviceManagerImpl devices;

    /**
     * Wires a core.
     *
     * @param hostBytes host RAM
     * @param graceMs how long devices wait for a replacement driver
     * @param builtins whether the built-in devices exist
     * @param p2pHostBridges root complexes that pass p2p traffic
     */
    public StandaloneCore(long hostBytes, long graceMs, boolean builtins, Set<String> p2pHostBridges) {
        this.memory = new MemoryManagerImpl(diag, registry, hostBytes, false);
        this.dma = new DmaImpl(memory, diag, p2pHostBridges);
        this.gmem = new GmemImpl(memory, registry, XArrayAlloc.LIMIT_32B);
        this.devices = new DeviceManagerImpl(memory, dma, registry, gmem, diag.warnings(), graceMs, builtins);
    }

    /** Ends every process, then unplugs and removes every device. */
    @Override
    public void close() {
        for (var p : memory.processes()) {
            memory.process(p.pid()).exit();
        }
        devices.deactivate();
    }
}
