package accelmm.core.mm;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.GupFlags;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.MremapFlags;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;
import accelmm.api.mm.SegvException;
import accelmm.api.mm.SharedFile;
import accelmm.api.mm.VmaInfo;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;

class AddressSpaceTest {
    static final int PAGE = 4096;
    static final int RW = Prot.READ | Prot.WRITE;
    static final int ANON = MapFlags.PRIVATE | MapFlags.ANONYMOUS;

    final CoreDiagnostics diag = CoreDiagnostics.create();
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 64L << 20, true);
    final MmProcess proc = mm.spawn("test");
    final AddressSpace as = proc.mm();

    @AfterEach
    void invariantsHold() {
        assertEquals(List.of(), mm.check());
        for (var p : mm.processes()) {
            mm.process(p.pid()).exit();
        }
        assertEquals(0, mm.nodes().get(0).used(), "every frame is free after every process exited");
        assertEquals(List.of(), mm.check());
    }



    byte[] read(AddressSpace s, long addr, int len) {
        byte[] b = new byte[len];
        s.read(addr, b, 0, len);
        return b;
    }

    long used() {
        return mm.nodes().get(0).used();
    }

    // ---- mmap ---------------------------------------------------------------------------------

    @Test
    void vmaLookupFindsTheMappingOfAnAddressAsSplitNow() {
        long a = as.mmap(0x30000000L, 4 * PAGE, RW, ANON | MapFlags.FIXED);
        assertEquals(new VmaInfo(a, a + 4 * PAGE, RW, false, "[anon]", 0, -1), as.vmaLookup(a + 3 * PAGE + 5));
        assertEquals(null, as.vmaLookup(a + 4 * PAGE));
        assertEquals(null, as.vmaLookup(a - 1));
        as.mprotect(a + PAGE, PAGE, Prot.READ);
        assertEquals(new VmaInfo(a + PAGE, a + 2 * PAGE, Prot.READ, false, "[anon]", 0, -1), as.vmaLookup(a + PAGE));
        as.munmap(a + 2 * PAGE, PAGE);
        assertEquals(null, as.vmaLookup(a + 2 * PAGE));
        assertEquals(a + 3 * PAGE, as.vmaLookup(a + 3 * PAGE).start());
        assertEquals(null, as.vmaLookup(-1L));
    }

    @Test
    void vmasListsTheMappingsARangeIntersectsWithoutResidency() {
        long a = as.mmap(0x30000000L, 8 * PAGE, RW, ANON | MapFlags.FIXED);
        as.write(a, new byte[] {1}, 0, 1);
        as.mprotect(a + 2 * PAGE, 2 * PAGE, Prot.READ);
        as.munmap(a + 5 * PAGE, PAGE);
        VmaInfo first = new VmaInfo(a, a + 2 * PAGE, RW, false, "[anon]", 0, -1);
        VmaInfo ro = new VmaInfo(a + 2 * PAGE, a + 4 * PAGE, Prot.READ, false, "[anon]", 0, -1);
        VmaInfo mid = new VmaInfo(a + 4 * PAGE, a + 5 * PAGE, RW, false, "[anon]", 0, -1);
        VmaInfo last = new VmaInfo(a + 6 * PAGE, a + 8 * PAGE, RW, false, "[anon]", 0, -1);
        assertEquals(java.util.List.of(first, ro, mid, last), as.vmas(a, a + 8 * PAGE));
        assertEquals(java.util.List.of(first, ro), as.vmas(a + PAGE, a + 2 * PAGE + 1));
        assertEquals(java.util.List.of(ro), as.vmas(a + 3 * PAGE, a + 4 * PAGE));
        assertEquals(java.util.List.of(), as.vmas(a + 5 * PAGE, a + 6 * PAGE));
        assertEquals(java.util.List.of(last), as.vmas(a + 5 * PAGE, -1L));
        assertEquals(java.util.List.of(), as.vmas(a + 4 * PAGE, a + 4 * PAGE));
        assertEquals(java.util.List.of(), as.vmas(a + 4 * PAGE, a));
        assertEquals(java.util.List.of(), as.vmas(-PAGE, -1L));
    }

    @Test
    void mmapRejectsBadArgumentsWithLinuxErrnos() {
        assertErrno(Errno.EINVAL, () -> as.mmap(0, 0, RW, ANON));
        assertErrno(Errno.EINVAL, () -> as.mmap(0, PAGE, RW, MapFlags.ANONYMOUS));
        assertErrno(Errno.EINVAL, () -> as.mmap(0, PAGE, RW, MapFlags.SHARED | MapFlags.PRIVATE | MapFlags.ANONYMOUS));
        assertErrno(Errno.EINVAL, () -> as.mmap(0, PAGE, RW, ANON | 0x4000_0000));
        assertErrno(Errno.EINVAL, () -> as.mmap(0, PAGE, 8, ANON));
        assertErrno(Errno.EINVAL, () -> as.mmap(0x10001000L + 1, PAGE, RW, ANON | MapFlags.FIXED));
        assertErrno(Errno.EPERM, () -> as.mmap(0x1000, PAGE, RW, ANON | MapFlags.FIXED));
        assertErrno(Errno.ENOMEM, () -> as.mmap(AddressSpace.TASK_SIZE - PAGE, 2 * PAGE, RW, ANON | MapFlags.FIXED));
        assertErrno(Errno.ENOMEM, () -> as.mmap(0, -1L, RW, ANON));
        assertErrno(Errno.EBADF, () -> as.mmap(0, PAGE, RW, MapFlags.PRIVATE));
        long a = as.mmap(0x20000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        assertErrno(Errno.EEXIST, () -> as.mmap(a + PAGE, PAGE, RW, ANON | MapFlags.FIXED_NOREPLACE));
        assertEquals(1, as.maps().size());
    }

    @Test
    void mappingsArePlacedTopDownOrAtAFreeHint() {
        long a = as.mmap(0, 3 * PAGE, RW, ANON);
        long b = as.mmap(0, PAGE, RW, ANON);
        assertTrue(a < Mm.MMAP_BASE && b < a, Long.toHexString(a) + " " + Long.toHexString(b));
        assertEquals(0, a % PAGE);
        long hinted = as.mmap(0x40000000L, PAGE, RW, ANON);
        assertEquals(0x40000000L, hinted);
        long big = as.mmap(0, 4 << 20, RW, ANON);
        assertEquals(0, big % (2 << 20), "large mappings are 2 MiB aligned");
    }

    @Test
    void untouchedAnonymousMemoryReadsZeroThroughTheZeroPage() {
        long a = as.mmap(0, 3 * PAGE, RW, ANON);
        assertArrayEquals(new byte[3 * PAGE], read(as, a, 3 * PAGE));
        assertEquals(0, used());
        assertEquals(3, mm.counters().get("fault.zero_page"));
        assertEquals(3, as.maps().get(0).residentPages());
    }

    @Test
    void bytesWrittenAreReadBackAcrossPageBoundaries() {
        long a = as.mmap(0, 4 * PAGE, RW, ANON);
        byte[] p = pattern(2 * PAGE + 100, 3);
        as.write(a + PAGE - 50, p, 0, p.length);
        assertArrayEquals(p, read(as, a + PAGE - 50, p.length));
        assertArrayEquals(new byte[PAGE - 50], read(as, a, PAGE - 50));
        assertEquals(4L * PAGE, used(), "the write touched four pages");
    }

    @Test
    void aForbiddenAccessIsASegvThatChangesNothing() {
        long a = as.mmap(0x30000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        SegvException unmapped = assertThrows(SegvException.class, () -> as.write(a + PAGE, new byte[2 * PAGE], 0, 2 * PAGE));
        assertEquals(a + 2 * PAGE, unmapped.address());
        assertFalse(unmapped.mapped());
        assertEquals(Errno.EFAULT, unmapped.errno());
        assertEquals(0, used(), "the failed write faulted nothing in");
        as.mprotect(a, PAGE, Prot.READ);
        SegvException ro = assertThrows(SegvException.class, () -> as.write(a, new byte[1], 0, 1));
        assertTrue(ro.mapped());
        assertThrows(SegvException.class, () -> read(as, 0x10000, 1));
        assertThrows(SegvException.class, () -> read(as, AddressSpace.TASK_SIZE - 1, 2));
        as.mprotect(a, PAGE, Prot.NONE);
        assertThrows(SegvException.class, () -> read(as, a, 1));
    }

    // ---- munmap, mprotect ---------------------------------------------------------------------

    @Test
    void partialMunmapSplitsTheMappingAndFreesItsFrames() {
        long a = as.mmap(0, 3 * PAGE, RW, ANON);
        as.write(a, pattern(3 * PAGE, 1), 0, 3 * PAGE);
        assertEquals(3L * PAGE, used());
        as.munmap(a + PAGE, PAGE);
        assertEquals(2L * PAGE, used());
        List<VmaInfo> maps = as.maps();
        assertEquals(2, maps.size());
        assertEquals(a + PAGE, maps.get(0).end());
        assertEquals(a + 2 * PAGE, maps.get(1).start());
        assertThrows(SegvException.class, () -> read(as, a + PAGE, 1));
        assertArrayEquals(java.util.Arrays.copyOfRange(pattern(3 * PAGE, 1), 2 * PAGE, 3 * PAGE), read(as, a + 2 * PAGE, PAGE));
        as.munmap(a, 10 * PAGE);
        assertEquals(0, as.maps().size());
        assertErrno(Errno.EINVAL, () -> as.munmap(a + 1, PAGE));
        assertErrno(Errno.EINVAL, () -> as.munmap(a, 0));
    }

    @Test
    void mprotectOverAHoleIsEnomemAndChangesNothing() {
        long a = as.mmap(0x50000000L, PAGE, RW, ANON | MapFlags.FIXED);
        as.mmap(0x50002000L, PAGE, RW, ANON | MapFlags.FIXED);
        assertErrno(Errno.ENOMEM, () -> as.mprotect(a, 3 * PAGE, Prot.READ));
        as.write(a, new byte[] {1}, 0, 1);
        assertErrno(Errno.EINVAL, () -> as.mprotect(a + 1, PAGE, Prot.READ));
        assertErrno(Errno.EINVAL, () -> as.mprotect(a, PAGE, 64));
        as.mprotect(a, 0, Prot.NONE);
        as.mprotect(a, PAGE, Prot.READ);
        assertThrows(SegvException.class, () -> as.write(a, new byte[1], 0, 1));
        as.mprotect(a, PAGE, RW);
        as.write(a, new byte[] {2}, 0, 1);
        assertEquals(2, read(as, a, 1)[0]);
        assertEquals(1, mm.counters().get("fault.write_reuse"));
    }

    // ---- mremap -------------------------------------------------------------------------------

    @Test
    void mremapGrowsInPlaceMovesShrinksAndKeepsTheBytes() {
        long a = as.mmap(0x60000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        as.write(a, pattern(2 * PAGE, 9), 0, 2 * PAGE);
        assertEquals(a, as.mremap(a, 2 * PAGE, 3 * PAGE, 0, 0));
        as.mmap(a + 3 * PAGE, PAGE, RW, ANON | MapFlags.FIXED);
        assertErrno(Errno.ENOMEM, () -> as.mremap(a, 3 * PAGE, 4 * PAGE, 0, 0));
        long moved = as.mremap(a, 3 * PAGE, 4 * PAGE, MremapFlags.MAYMOVE, 0);
        assertTrue(moved != a);
        assertArrayEquals(pattern(2 * PAGE, 9), read(as, moved, 2 * PAGE));
        assertArrayEquals(new byte[2 * PAGE], read(as, moved + 2 * PAGE, 2 * PAGE));
        assertThrows(SegvException.class, () -> read(as, a, 1));
        assertEquals(moved, as.mremap(moved, 4 * PAGE, PAGE, 0, 0));
        assertThrows(SegvException.class, () -> read(as, moved + PAGE, 1));
        long target = 0x70000000L;
        assertEquals(target, as.mremap(moved, PAGE, PAGE, MremapFlags.MAYMOVE | MremapFlags.FIXED, target));
        assertArrayEquals(pattern(PAGE, 9), read(as, target, PAGE));
        assertEquals(PAGE, used(), "the moved page kept its frame; the shrunk-off data page was freed");
    }

    @Test
    void mremapDontUnmapLeavesTheOldRangeMappedAndEmpty() {
        long a = as.mmap(0x61000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        as.write(a, pattern(2 * PAGE, 4), 0, 2 * PAGE);
        long b = as.mremap(a, 2 * PAGE, 2 * PAGE, MremapFlags.MAYMOVE | MremapFlags.DONTUNMAP, 0);
        assertArrayEquals(pattern(2 * PAGE, 4), read(as, b, 2 * PAGE));
        assertArrayEquals(new byte[2 * PAGE], read(as, a, 2 * PAGE));
        assertEquals(2L * PAGE, used());
    }

    @Test
    void mremapRejectsBadCallsWithLinuxErrnos() {
        long a = as.mmap(0x62000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        assertErrno(Errno.EINVAL, () -> as.mremap(a + 1, PAGE, PAGE, 0, 0));
        assertErrno(Errno.EINVAL, () -> as.mremap(a, PAGE, 0, 0, 0));
        assertErrno(Errno.EINVAL, () -> as.mremap(a, PAGE, PAGE, MremapFlags.FIXED, 0x70000000L));
        assertErrno(Errno.EINVAL, () -> as.mremap(a, PAGE, 2 * PAGE, MremapFlags.MAYMOVE | MremapFlags.DONTUNMAP, 0));
        assertErrno(Errno.EINVAL, () -> as.mremap(a, 2 * PAGE, 2 * PAGE, MremapFlags.MAYMOVE | MremapFlags.FIXED, a + PAGE));
        assertErrno(Errno.EINVAL, () -> as.mremap(a, PAGE, PAGE, 8, 0));
        assertErrno(Errno.EFAULT, () -> as.mremap(a, 3 * PAGE, 4 * PAGE, MremapFlags.MAYMOVE, 0));
        assertErrno(Errno.EFAULT, () -> as.mremap(0x63000000L, PAGE, 2 * PAGE, MremapFlags.MAYMOVE, 0));
        long shared = as.mmap(0, PAGE, RW, MapFlags.SHARED | MapFlags.ANONYMOUS);
        assertErrno(Errno.EINVAL, () -> as.mremap(shared, PAGE, PAGE, MremapFlags.MAYMOVE | MremapFlags.DONTUNMAP, 0));
    }

    // ---- fork, shared memory, files -----------------------------------------------------------

    @Test
    void forkSharesPrivatePagesCopyOnWrite() {
        long a = as.mmap(0, 2 * PAGE, RW, ANON);
        as.write(a, pattern(2 * PAGE, 5), 0, 2 * PAGE);
        MmProcess child = proc.fork("child");
        assertEquals(2L * PAGE, used(), "no copy at fork");
        assertArrayEquals(pattern(2 * PAGE, 5), read(child.mm(), a, 2 * PAGE));
        child.mm().write(a, new byte[] {42}, 0, 1);
        assertEquals(5, read(as, a, 1)[0]);
        assertEquals(42, read(child.mm(), a, 1)[0]);
        as.write(a + PAGE, new byte[] {43}, 0, 1);
        assertEquals(pattern(2 * PAGE, 5)[PAGE], read(child.mm(), a + PAGE, 1)[0]);
        assertEquals(2, mm.counters().get("cow.copies"));
        assertEquals(4L * PAGE, used());
        child.exit();
        assertErrno(Errno.ESRCH, () -> mm.process(child.pid()));
        assertErrno(Errno.ESRCH, () -> child.mm().read(a, new byte[1], 0, 1));
        assertEquals(2L * PAGE, used());
    }

    @Test
    void sharedAnonymousMemoryIsSharedAcrossFork() {
        long a = as.mmap(0, PAGE, RW, MapFlags.SHARED | MapFlags.ANONYMOUS);
        MmProcess child = proc.fork("child");
        child.mm().write(a, new byte[] {7, 8}, 0, 2);
        assertArrayEquals(new byte[] {7, 8}, read(as, a, 2));
        as.munmap(a, PAGE);
        assertArrayEquals(new byte[] {7, 8}, read(child.mm(), a, 2));
        child.exit();
        assertEquals(0, used(), "shmem goes with its last mapping");
    }

    @Test
    void fileMappingsWriteThroughWhenSharedAndCopyWhenPrivate() {
        SharedFile f = mm.createFile("data.bin", 2 * PAGE, true);
        f.pwrite(0, pattern(2 * PAGE, 2), 0, 2 * PAGE);
        long shared = as.mmap(0, 2 * PAGE, RW, MapFlags.SHARED, f, 0);
        long priv = as.mmap(0, PAGE, RW, MapFlags.PRIVATE, f, PAGE);
        assertArrayEquals(java.util.Arrays.copyOfRange(pattern(2 * PAGE, 2), PAGE, 2 * PAGE), read(as, priv, PAGE));
        as.write(shared, new byte[] {1, 1}, 0, 2);
        byte[] back = new byte[2];
        f.pread(0, back, 0, 2);
        assertArrayEquals(new byte[] {1, 1}, back);
        as.write(priv, new byte[] {9}, 0, 1);
        f.pread(PAGE, back, 0, 1);
        assertEquals(pattern(2 * PAGE, 2)[PAGE], back[0]);
        assertErrno(Errno.EINVAL, () -> as.mmap(0, PAGE, RW, MapFlags.SHARED, f, 100));
        SharedFile ro = mm.createFile("ro.bin", PAGE, false);
        assertErrno(Errno.EACCES, () -> as.mmap(0, PAGE, RW, MapFlags.SHARED, ro, 0));
        long roMap = as.mmap(0, PAGE, Prot.READ, MapFlags.SHARED, ro, 0);
        assertErrno(Errno.EACCES, () -> as.mprotect(roMap, PAGE, RW));
        assertErrno(Errno.EFAULT, () -> read(as, shared + 2 * PAGE, 1));
        f.close();
        ro.close();
        assertErrno(Errno.EBADF, () -> f.pread(0, back, 0, 1));
        assertArrayEquals(new byte[] {1, 1}, read(as, shared, 2), "a closed file lives on in its mappings");
    }

    @Test
    void aReadBeyondTheEndOfAFileIsSigbus() {
        SharedFile f = mm.createFile("short.bin", PAGE, true);
        long a = as.mmap(0, 2 * PAGE, Prot.READ, MapFlags.SHARED, f, 0);
        ErrnoException e = assertThrows(ErrnoException.class, () -> read(as, a + PAGE, 1));
        assertEquals(Errno.EFAULT, e.errno());
        assertTrue(e.getMessage().contains("SIGBUS"));
        f.close();
    }

    @Test
    void populateFaultsPagesInWithoutTouchingTheirBytes() {
        long a = as.mmap(0x66000000L, 4 * PAGE, RW, ANON | MapFlags.FIXED);
        as.populate(a, 2 * PAGE, true);
        assertEquals(2L * PAGE, used());
        assertEquals(0, mm.nodes().get(0).backed(), "no bytes were written");
        as.populate(a + 2 * PAGE, 2 * PAGE, false);
        assertEquals(2L * PAGE, used(), "a read populate maps the zero page");
        assertEquals(4, as.maps().get(0).residentPages());
        assertErrno(Errno.EINVAL, () -> as.populate(a + 1, PAGE, true));
        assertErrno(Errno.ENOMEM, () -> as.populate(a, 5 * PAGE, true));
        as.mprotect(a, PAGE, Prot.READ);
        assertErrno(Errno.EFAULT, () -> as.populate(a, PAGE, true));
    }

    // ---- pinning ------------------------------------------------------------------------------

    @Test
    void aPinnedPageSurvivesMunmapUntilUnpinned() {
        long a = as.mmap(0, 2 * PAGE, RW, ANON);
        as.write(a, pattern(PAGE, 6), 0, PAGE);
        PinnedPages pins = as.pinUserPages(a, 2, GupFlags.WRITE);
        assertEquals(2, pins.pfns().length);
        as.munmap(a, 2 * PAGE);
        assertEquals(2L * PAGE, used());
        byte[] viaPin = new byte[PAGE];
        mm.host().read(pins.pfns()[0], 0, viaPin, 0, PAGE);
        assertArrayEquals(pattern(PAGE, 6), viaPin);
        assertTrue(pins.unpin());
        assertFalse(pins.unpin());
        assertEquals(0, used());
    }

    @Test
    void aPartialPinIsEfaultAndReleasesWhatItTook() {
        long a = as.mmap(0x64000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        assertErrno(Errno.EFAULT, () -> as.pinUserPages(a, 3, 0));
        as.mprotect(a + PAGE, PAGE, Prot.READ);
        assertErrno(Errno.EFAULT, () -> as.pinUserPages(a, 2, GupFlags.WRITE));
        assertErrno(Errno.EINVAL, () -> as.pinUserPages(a + 1, 1, 0));
        assertErrno(Errno.EINVAL, () -> as.pinUserPages(a, 0, 0));
        for (long pfn = 0; pfn < 16; pfn++) {
            assertEquals(0, mm.host().isAllocated(pfn) ? mm.host().pincount(pfn) : 0);
        }
    }

    @Test
    void forkCopiesPinnedPagesAtOnceSoThePinKeepsPointingAtTheParent() {
        long a = as.mmap(0, PAGE, RW, ANON);
        as.write(a, new byte[] {1}, 0, 1);
        PinnedPages pins = as.pinUserPages(a, 1, GupFlags.WRITE);
        MmProcess child = proc.fork("child");
        as.write(a, new byte[] {2}, 0, 1);
        byte[] viaPin = new byte[1];
        mm.host().read(pins.pfns()[0], 0, viaPin, 0, 1);
        assertEquals(2, viaPin[0], "the parent wrote through its own pinned page, no COW");
        assertEquals(1, read(child.mm(), a, 1)[0]);
        pins.unpin();
    }

    // ---- huge pages, exhaustion ---------------------------------------------------------------

    @Test
    void aWriteToAnAlignedTwoMegabyteRangeMapsAHugePage() {
        long a = as.mmap(0, 4 << 20, RW, ANON);
        as.write(a + 5000, new byte[] {1}, 0, 1);
        assertEquals(2L << 20, used());
        assertEquals(1, mm.counters().get("fault.anon_huge"));
        assertEquals(512, as.maps().get(0).residentPages());
        as.munmap(a, 1 << 20);
        assertEquals(1L << 20, used());
        assertThrows(SegvException.class, () -> read(as, a + 5000, 1));
        assertArrayEquals(new byte[PAGE], read(as, a + (1 << 20), PAGE), "the rest of the huge page stays mapped");
    }

    @Test
    void anInjectedAllocationFailureIsEnomemAndWritesNothing() {
        long a = as.mmap(0x65000000L, 2 * PAGE, RW, ANON | MapFlags.FIXED);
        mm.failArm(MemoryManagerImpl.PAGE_ALLOC_SITE, 100, 2, 1, 0);
        assertErrno(Errno.ENOMEM, () -> as.write(a, pattern(2 * PAGE, 1), 0, 2 * PAGE));
        mm.failDisarm(MemoryManagerImpl.PAGE_ALLOC_SITE);
        assertArrayEquals(new byte[2 * PAGE], read(as, a, 2 * PAGE));
        assertErrno(Errno.ENOENT, () -> mm.failArm("no.such.site", 100, 1, 1, 0));
        assertErrno(Errno.EINVAL, () -> mm.failArm(MemoryManagerImpl.PAGE_ALLOC_SITE, 0, 1, 1, 0));
    }

    @Test
    void deactivationEndsEveryProcessAndANewInstanceStartsClean() {
        IdrRegistryImpl registry = new IdrRegistryImpl(diag);
        MemoryManagerImpl first = new MemoryManagerImpl(diag, registry, 8L << 20, false);
        MmProcess p = first.spawn("old");
        long a = p.mm().mmap(0, PAGE, RW, ANON);
        p.mm().write(a, new byte[] {1}, 0, 1);
        first.deactivate();
        assertFalse(p.alive());
        assertEquals(0, first.nodes().get(0).used());
        MemoryManagerImpl second = new MemoryManagerImpl(diag, registry, 8L << 20, false);
        assertEquals(List.of(), second.processes());
        MmProcess fresh = second.spawn("new");
        assertEquals(List.of(fresh.pid()), second.processes().stream().map(i -> i.pid()).toList());
    }

    @Test
    void processesGetCyclicPidsAndExitFreesEverything() {
        MmProcess p2 = mm.spawn("two");
        assertEquals(proc.pid() + 1, p2.pid());
        long a = p2.mm().mmap(0, PAGE, RW, ANON);
        p2.mm().write(a, new byte[] {1}, 0, 1);
        p2.exit();
        p2.exit();
        assertFalse(p2.alive());
        MmProcess p3 = mm.spawn("three");
        assertEquals(p2.pid() + 1, p3.pid(), "pids are not reused at once");
        assertErrno(Errno.ESRCH, () -> mm.process(p2.pid()));
        assertErrno(Errno.EINVAL, () -> mm.spawn(" "));
    }
}
