package accelmm.api.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class PhysAddrTest {
    @Test
    void addressZeroIsNeverMemoryAndEveryPartRoundTrips() {
        assertNotEquals(0, PhysAddr.of(0, 0, 0), "host frame 0 must not look unmapped in a page table");
        long pa = PhysAddr.of(3, 12345, 67);
        assertEquals(3, PhysAddr.node(pa));
        assertEquals(12345, PhysAddr.pfn(pa));
        assertEquals(67, pa & 4095);
        long g = PhysAddr.globalPfn(3, 12345);
        assertEquals(3, PhysAddr.nodeOfPfn(g));
        assertEquals(12345, PhysAddr.localPfn(g));
        assertEquals(pa & ~4095L, g << 12);
        assertEquals(0, PhysAddr.node(PhysAddr.of(0, 5, 0)));
    }
}
