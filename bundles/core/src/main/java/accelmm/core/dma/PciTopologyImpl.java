package accelmm.core.dma;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import accelmm.api.Errno;
import accelmm.api.dma.PciTopology;

/**
 * {@link PciTopology} from device paths ({@code rc0/sw0/gpu0}) and the host bridges whitelisted for
 * p2p.
 *
 * <p>Concurrency: immutable after construction.
 */
public final class PciTopologyImpl implements PciTopology {
    private final Map<String, String[]> paths = new TreeMap<>();
    private final Set<String> whitelist;

    /**
     * Creates the topology.
     *
     * @param positions device name to path; a path names a root complex, any switches, and ends
     *     with the device itself
     * @param p2pHostBridges root complexes through which p2p is allowed
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a path with fewer than two parts, an
     *     empty part, or one that does not end with its device's name
     */
    public PciTopologyImpl(Map<String, String> positions, Set<String> p2pHostBridges) {
        for (Map.Entry<String, String> e : positions.entrySet()) {
            String[] parts = e.getValue().split("/", -1);
            if (parts.length < 2 || List.of(parts).contains("") || !parts[parts.length - 1].equals(e.getKey())) {
                throw Errno.EINVAL.exception("PCI position '" + e.getValue() + "' of " + e.getKey()
                        + " must be root-complex/[switch/...]" + e.getKey());
            }
            paths.put(e.getKey(), parts);
        }
        this.whitelist = Set.copyOf(p2pHostBridges);
    }

    private String[] path(String device) {
        String[] p = paths.get(device);
        if (p == null) {
            throw Errno.ENODEV.exception("no PCI position for " + device);
        }
        return p;
    }

    @Override
    public int p2pDistance(String a, String b) {
        String[] pa = path(a);
        String[] pb = path(b);
        if (a.equals(b)) {
            return 0;
        }
        int common = 0;
        while (common < Math.min(pa.length, pb.length) && pa[common].equals(pb[common])) {
            common++;
        }
        if (common == 0) {
            return -1;
        }
        if (common == 1 && !whitelist.contains(pa[0])) {
            return -1;
        }
        return (pa.length - common) + (pb.length - common);
    }

    @Override
    public List<String> devices() {
        return new ArrayList<>(paths.keySet());
    }
}
