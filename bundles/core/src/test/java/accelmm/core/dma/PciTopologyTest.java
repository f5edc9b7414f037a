package accelmm.core.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

class PciTopologyTest {
    final PciTopologyImpl pci = new PciTopologyImpl(Map.of(
            "gaudi0", "rc0/sw0/gaudi0",
            "gaudi1", "rc0/sw0/gaudi1",
            "xe0", "rc0/sw1/sw2/xe0",
            "gna0", "rc1/gna0",
            "npu0", "rc1/npu0",
            "far0", "rc2/sw9/far0"), Set.of("rc0"));

    @Test
    void devicesUnderOneSwitchAreTwoHopsApart() {
        assertEquals(2, pci.p2pDistance("gaudi0", "gaudi1"));
        assertEquals(0, pci.p2pDistance("gaudi0", "gaudi0"));
    }

    @Test
    void throughAWhitelistedRootComplexTheHopsAddUp() {
        assertEquals(5, pci.p2pDistance("gaudi0", "xe0"));
        assertEquals(pci.p2pDistance("xe0", "gaudi0"), pci.p2pDistance("gaudi0", "xe0"));
    }

    @Test
    void aHostBridgeNotWhitelistedOrDifferentRootComplexesRefuseP2p() {
        assertEquals(-1, pci.p2pDistance("gna0", "npu0"));
        assertEquals(-1, pci.p2pDistance("gaudi0", "far0"));
        assertEquals(-1, pci.p2pDistance("gna0", "gaudi0"));
    }

    @Test
    void unknownDevicesAndBadPositionsAreRejected() {
        assertEquals(Errno.ENODEV, assertThrows(ErrnoException.class, () -> pci.p2pDistance("gaudi0", "ghost")).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> new PciTopologyImpl(Map.of("a", "a"), Set.of())).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> new PciTopologyImpl(Map.of("a", "rc0//a"), Set.of())).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                () -> new PciTopologyImpl(Map.of("a", "rc0/b"), Set.of())).errno());
        assertEquals(List.of("far0", "gaudi0", "gaudi1", "gna0", "npu0", "xe0"), pci.devices());
    }
}
