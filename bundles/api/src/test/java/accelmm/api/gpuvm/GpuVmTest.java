package accelmm.api.gpuvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class GpuVmTest {
    static final long MIB = 1L << 20;

    @Test
    void aBoInsideAMirrorTakesThatPartAndAnUnmapKeepsTheOuterPartsAtTheirOffsets() {
        GpuVm vm = new GpuVm(1, null, true, null, null);
        vm.vas().add(GpuVa.mirror(0, 64 * MIB, false));
        vm.carve(8 * MIB, 12 * MIB, GpuVa.Kind.MIRROR);
        vm.vas().add(new GpuVa(8 * MIB, 12 * MIB, GpuVa.Kind.BO, 5, 0));
        assertEquals(List.of(GpuVa.mirror(0, 8 * MIB, false), GpuVa.mirror(12 * MIB, 64 * MIB, false),
                new GpuVa(8 * MIB, 12 * MIB, GpuVa.Kind.BO, 5, 0)), vm.vas());
        assertTrue(vm.bound(9 * MIB, 10 * MIB, GpuVa.Kind.BO));
        assertFalse(vm.bound(9 * MIB, 10 * MIB, GpuVa.Kind.MIRROR, GpuVa.Kind.USERPTR));
        assertNull(vm.vaAt(9 * MIB, GpuVa.Kind.MIRROR));

        List<GpuVa> taken = vm.carve(9 * MIB, 10 * MIB, GpuVa.Kind.BO);
        assertEquals(List.of(new GpuVa(9 * MIB, 10 * MIB, GpuVa.Kind.BO, 5, MIB)), taken, "what went, at its offset");
        assertEquals(new GpuVa(10 * MIB, 12 * MIB, GpuVa.Kind.BO, 5, 2 * MIB), vm.vaAt(11 * MIB, GpuVa.Kind.BO),
                "the upper part keeps its offset into the BO");
        assertEquals(new GpuVa(8 * MIB, 9 * MIB, GpuVa.Kind.BO, 5, 0), vm.vaAt(8 * MIB));
    }

    @Test
    void theLatestAdviceForAnAddressWinsAndElsewhereTheDefaultHolds() {
        GpuVm vm = new GpuVm(1, null, true, null, null);
        vm.advise(4 * MIB, 8 * MIB, 1);
        assertEquals(1, vm.location(4 * MIB, 0));
        assertEquals(1, vm.location(8 * MIB - 1, 0));
        assertEquals(0, vm.location(8 * MIB, 0));
        assertEquals(0, vm.location(0, 0));
        vm.advise(4 * MIB, 6 * MIB, 2);
        assertEquals(2, vm.location(5 * MIB, 0));
    }
}
