package accelmm.core.idr;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.core.diag.CoreDiagnostics;

class IdaTest {
    private final CoreDiagnostics diag = CoreDiagnostics.create();
    private final IdaImpl ida = new IdaImpl(diag.faults().site("idr.node"), diag.warnings());

    @Test
    void allocRangeIsInclusiveAndLowestFirst() {
        assertEquals(0, ida.alloc());
        assertEquals(1, ida.alloc());
        assertEquals(5, ida.allocRange(5, 6));
        assertEquals(6, ida.allocRange(5, 6));
        assertErrno(Errno.ENOSPC, () -> ida.allocRange(5, 6));
        assertErrno(Errno.ENOSPC, () -> ida.allocRange(9, 8));
        assertEquals(4, ida.count());
    }

    @Test
    void negativeMinIsEnospcAndNegativeMaxIsClampedToIntMax() {
        assertErrno(Errno.ENOSPC, () -> ida.allocRange(-1, 10));
        assertEquals(Integer.MAX_VALUE, ida.allocRange(Integer.MAX_VALUE, -1));
        assertErrno(Errno.ENOSPC, () -> ida.allocRange(Integer.MAX_VALUE, -1));
        assertTrue(ida.isAllocated(Integer.MAX_VALUE));
    }

    @Test
    void freeingAnUnallocatedIdWarnsAndChangesNothing() {
        int id = ida.alloc();
        assertTrue(ida.free(id));
        assertFalse(ida.free(id));
        assertFalse(ida.free(-3));
        assertEquals(2, diag.warnings().count());
        assertTrue(ida.isEmpty());
        assertEquals(id, ida.alloc());
    }

    @Test
    void destroyFreesEverything() {
        for (int i = 0; i < 1000; i++) {
            ida.alloc();
        }
        ida.destroy();
        assertTrue(ida.isEmpty());
        assertEquals(0, ida.alloc());
    }
}
