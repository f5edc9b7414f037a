package accelmm.core.idr;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.idr.Idr;
import accelmm.api.idr.RegistryEntry;
import accelmm.api.idr.RegistryInfo;
import accelmm.api.idr.RegistryKind;
import accelmm.core.diag.CoreDiagnostics;

class IdrRegistryTest {
    private final IdrRegistryImpl registry = new IdrRegistryImpl(CoreDiagnostics.create());

    @Test
    void askingAgainReturnsTheSameRegistryWithItsContents() {
        Idr<String> first = registry.idr("gna0", "memory", 1);
        first.alloc("mo", 1, 0);
        Idr<String> again = registry.idr("gna0", "memory", 1);
        assertSame(first, again);
        assertEquals("mo", again.find(1));
        assertSame(registry.ida("gna0", "ids"), registry.ida("gna0", "ids"));
        assertSame(registry.xarray("gmem", "dev", 0), registry.xarray("gmem", "dev", 0));
    }

    @Test
    void aNameTakenByAnotherKindOrBaseIsEexist() {
        registry.idr("gna0", "memory", 1);
        assertErrno(Errno.EEXIST, () -> registry.idr("gna0", "memory", 0));
        assertErrno(Errno.EEXIST, () -> registry.ida("gna0", "memory"));
        assertErrno(Errno.EEXIST, () -> registry.xarray("gna0", "memory", 1));
    }

    @Test
    void badNamesAndBasesAreEinvalAndCreateNothing() {
        assertErrno(Errno.EINVAL, () -> registry.idr("", "x", 0));
        assertErrno(Errno.EINVAL, () -> registry.idr("a/b", "x", 0));
        assertErrno(Errno.EINVAL, () -> registry.idr("a", "x y", 0));
        assertErrno(Errno.EINVAL, () -> registry.idr("a", null, 0));
        assertErrno(Errno.EINVAL, () -> registry.idr("a", "x", -1));
        assertErrno(Errno.EINVAL, () -> registry.xarray("a", "x", 2));
        assertTrue(registry.list().isEmpty());
    }

    @Test
    void listIsSortedAndCounts() {
        Idr<String> handles = registry.idr("panfrost0", "handles", 1);
        handles.alloc("bo", 1, 0);
        handles.alloc(null, 1, 0);
        registry.ida("gna0", "requests").alloc();
        assertEquals(List.of(
                new RegistryInfo("gna0", "requests", RegistryKind.IDA, 0, 1),
                new RegistryInfo("panfrost0", "handles", RegistryKind.IDR, 1, 2)), registry.list());
        assertEquals("gna0/requests", registry.list().get(0).path());
    }

    @Test
    void entriesShowValuesReservationsAndHonourTheLimit() {
        Idr<String> idr = registry.idr("dev", "objs", 1);
        idr.alloc("a", 1, 0);
        idr.alloc(null, 1, 0);
        idr.alloc("c", 1, 0);
        assertEquals(List.of(new RegistryEntry(1, false, "a"), new RegistryEntry(2, true, ""),
                new RegistryEntry(3, false, "c")), registry.entries("dev", "objs", 100));
        assertEquals(2, registry.entries("dev", "objs", 2).size());
        assertEquals(List.of(), registry.entries("dev", "objs", 0));
        assertErrno(Errno.EINVAL, () -> registry.entries("dev", "objs", -1));
        assertErrno(Errno.ENOENT, () -> registry.entries("dev", "none", 5));
        registry.ida("dev", "ida").allocRange(4, 10);
        assertEquals(List.of(new RegistryEntry(4, false, "")), registry.entries("dev", "ida", 5));
    }

    @Test
    void removeDestroysAndForgets() {
        registry.idr("dev", "objs", 0).alloc("a", 0, 0);
        assertTrue(registry.remove("dev", "objs"));
        assertFalse(registry.remove("dev", "objs"));
        assertTrue(registry.idr("dev", "objs", 0).isEmpty());
    }

    @Test
    void registryAllocationsObeyTheSharedFaultSite() {
        CoreDiagnostics diag = CoreDiagnostics.create();
        IdrRegistryImpl r = new IdrRegistryImpl(diag);
        Idr<String> idr = r.idr("dev", "objs", 0);
        diag.faults().site(IdrRegistryImpl.FAIL_SITE).arm(100, 1, 1, 0);
        assertErrno(Errno.ENOMEM, () -> idr.alloc("x", 0, 0));
        assertEquals(0, idr.alloc("x", 0, 0));
        assertEquals(1, diag.faults().site(IdrRegistryImpl.FAIL_SITE).failures());
    }
}
