package accelmm.core.idr;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.idr.XArrayAlloc;
import accelmm.api.idr.XArrayAlloc.Allocated;

class XArrayAllocTest {
    @Test
    void fullLimitIsEbusyNotEnospc() {
        XArrayAllocImpl<String> xa = new XArrayAllocImpl<>(0, null);
        assertEquals(0, xa.alloc("a", 0, 1));
        assertEquals(1, xa.alloc("b", 0, 1));
        assertErrno(Errno.EBUSY, () -> xa.alloc("c", 0, 1));
        assertErrno(Errno.EBUSY, () -> xa.alloc("c", 5, 4));
        assertEquals(2, xa.count());
    }

    @Test
    void alloc1StartsAtOne() {
        XArrayAllocImpl<String> xa = new XArrayAllocImpl<>(1, null);
        assertEquals(1, xa.alloc("a", 0, XArrayAlloc.LIMIT_32B));
        assertNull(xa.load(0));
        assertErrno(Errno.EINVAL, () -> new XArrayAllocImpl<String>(2, null));
    }

    @Test
    void limitsOutsideUnsigned32BitAreEinval() {
        XArrayAllocImpl<String> xa = new XArrayAllocImpl<>(0, null);
        assertErrno(Errno.EINVAL, () -> xa.alloc("a", -1, 5));
        assertErrno(Errno.EINVAL, () -> xa.alloc("a", 0, 1L << 32));
        assertEquals(XArrayAlloc.LIMIT_32B, xa.alloc("top", XArrayAlloc.LIMIT_32B, XArrayAlloc.LIMIT_32B));
    }

    @Test
    void nullEntriesReserveTheirIndex() {
        XArrayAllocImpl<String> xa = new XArrayAllocImpl<>(0, null);
        assertEquals(0, xa.alloc(null, 0, 10));
        assertNull(xa.load(0));
        assertEquals(1, xa.alloc("b", 0, 10));
        assertNull(xa.erase(0));
        assertEquals(0, xa.alloc("c", 0, 10));
    }

    @Test
    void cyclicAllocationReportsTheWrap() {
        XArrayAllocImpl<String> xa = new XArrayAllocImpl<>(0, null);
        assertEquals(new Allocated(0, false), xa.allocCyclic("a", 0, 2));
        assertEquals(new Allocated(1, false), xa.allocCyclic("b", 0, 2));
        assertEquals(new Allocated(2, false), xa.allocCyclic("c", 0, 2));
        xa.erase(1);
        assertEquals(new Allocated(1, true), xa.allocCyclic("d", 0, 2));
        assertErrno(Errno.EBUSY, () -> xa.allocCyclic("e", 0, 2));
    }

    @Test
    void cyclicAllocationPastUintMaxReportsTheWrapOnTheNextCall() {
        XArrayAllocImpl<String> xa = new XArrayAllocImpl<>(0, null);
        assertEquals(new Allocated(XArrayAlloc.LIMIT_32B, false),
                xa.allocCyclic("top", XArrayAlloc.LIMIT_32B, XArrayAlloc.LIMIT_32B));
        assertEquals(new Allocated(0, true), xa.allocCyclic("low", 0, XArrayAlloc.LIMIT_32B));
        assertEquals(new Allocated(1, false), xa.allocCyclic("next", 0, XArrayAlloc.LIMIT_32B));
    }

    @Test
    void aCallerOwnedCursorIsSharedSetAndLeftAloneOnFailure() {
        XArrayAllocImpl<String> a = new XArrayAllocImpl<>(0, null);
        XArrayAllocImpl<String> b = new XArrayAllocImpl<>(0, null);
        XArrayAlloc.Cursor next = new XArrayAlloc.Cursor(5);
        assertEquals(new Allocated(5, false), a.allocCyclic("a5", 0, 9, next));
        assertEquals(6, next.get());
        assertEquals(new Allocated(6, false), b.allocCyclic("b6", 0, 9, next), "one cursor serves two arrays");
        assertEquals(new Allocated(0, false), a.allocCyclic("own", 0, 9), "the array's own cursor is untouched");
        next.set(9);
        assertEquals(new Allocated(9, false), a.allocCyclic("a9", 0, 9, next));
        assertEquals(10, next.get());
        assertEquals(new Allocated(1, true), a.allocCyclic("a1", 0, 9, next), "past the limit it wraps to its start");
        assertEquals(2, next.get());
        XArrayAllocImpl<String> full = new XArrayAllocImpl<>(0, null);
        full.alloc("x", 0, 0);
        XArrayAlloc.Cursor c = new XArrayAlloc.Cursor(0);
        assertErrno(Errno.EBUSY, () -> full.allocCyclic("y", 0, 0, c));
        assertEquals(0, c.get(), "a failed allocation leaves the cursor");
        assertErrno(Errno.EINVAL, () -> new XArrayAlloc.Cursor(1L << 32));
        assertErrno(Errno.EINVAL, () -> next.set(-1));
    }

    @Test
    void aCursorPastUintMaxWrapsAndTheArrayRemembersIt() {
        XArrayAllocImpl<String> xa = new XArrayAllocImpl<>(0, null);
        XArrayAlloc.Cursor next = new XArrayAlloc.Cursor(XArrayAlloc.LIMIT_32B);
        assertEquals(new Allocated(XArrayAlloc.LIMIT_32B, false), xa.allocCyclic("top", 0, XArrayAlloc.LIMIT_32B, next));
        assertEquals(0, next.get());
        assertEquals(new Allocated(0, true), xa.allocCyclic("low", 0, XArrayAlloc.LIMIT_32B, next));
        assertEquals(new Allocated(1, false), xa.allocCyclic("next", 0, XArrayAlloc.LIMIT_32B, next));
    }
}
