package accelmm.api.dma;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where devices sit on PCI, and whether and how far they can reach each other peer to peer
 * ({@code pci_p2pdma_distance}).
 *
 * <p>A device's position is its path from the root complex down: {@code rc0/sw0/gpu0}. Two devices
 * below a common switch reach each other through it; two devices whose only common point is the
 * root complex reach each other only if that host bridge is whitelisted for p2p; devices under
 * different root complexes never do.
 *
 * <p>Concurrency: immutable.
 */
@ProviderType
public interface PciTopology {
    /**
     * Returns the p2p distance between two devices: hops up from {@code a} to the common upstream
     * point plus hops down to {@code b}; 0 for the same device; -1 if p2p is not possible.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for a device without a position
     */
    int p2pDistance(String a, String b);

    /** Returns the devices with a position, sorted. */
    List<String> devices();
}
