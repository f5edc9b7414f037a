package accelmm.core.mm;

import static accelmm.testing.Patterns.pattern;
import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.hmm.HmmPfn;
import accelmm.api.hmm.HmmRange;
import accelmm.api.hmm.MigrateVma;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.HugetlbInfo;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.MremapFlags;
import accelmm.api.mm.Prot;
import accelmm.api.mm.SharedFile;
import accelmm.api.notifier.IntervalNotifier;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;

/** MAP_HUGETLB and hugetlbfs files: the pool and its reservations, 2 MiB boundaries, copy-on-write, HMM order. */
class HugetlbTest {
    static final long PAGE = 4096;
    static final long SZ_2M = 2L << 20;
    static final int RW = Prot.READ | Prot.WRITE;
    static final int HUGE = MapFlags.PRIVATE | MapFlags.ANONYMOUS | MapFlags.HUGETLB;

    final CoreDiagnostics diag = CoreDiagnostics.create();
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 64L << 20, false, 8);
    final MmProcess p = mm.spawn("huge");
    final AddressSpace as = p.mm();

    @AfterEach
    void theFramesAndThePoolComeBack() {
        for (var q : mm.processes()) {
            mm.process(q.pid()).exit();
        }
        assertEquals(List.of(), mm.check());
        assertEquals(new HugetlbInfo(SZ_2M, 8, 8, 0), mm.hugetlb());
        assertEquals(0, mm.nodes().get(0).used());
    }




    @Test
    void aMappingReservesItsPagesAndFaultsWholeHugePages() {
        assertErrno(Errno.EINVAL, () -> as.mmap(0, SZ_2M, RW, HUGE | MapFlags.HUGE_1GB));
        assertErrno(Errno.EINVAL, () -> as.mmap(0, SZ_2M, RW, HUGE | (16 << MapFlags.HUGE_SHIFT)));
        assertErrno(Errno.EINVAL, () -> as.mmap(0x40001000L, SZ_2M, RW, HUGE | MapFlags.FIXED));
        assertErrno(Errno.ENOMEM, () -> as.mmap(0, 9 * SZ_2M, RW, HUGE));
        assertEquals(List.of(), as.maps(), "a refused mapping leaves nothing");
        long a = as.mmap(0, 3 * SZ_2M - PAGE, RW, HUGE | MapFlags.HUGE_2MB);
        assertEquals(0, a % SZ_2M);
        assertEquals(3 * SZ_2M, as.maps().get(0).length(), "the length rounds up to huge pages");
        assertEquals("anon_hugepage", as.maps().get(0).name());
        assertEquals(new HugetlbInfo(SZ_2M, 8, 8, 3), mm.hugetlb());
        assertErrno(Errno.ENOMEM, () -> as.mmap(0, 6 * SZ_2M, RW, HUGE), "5 are left unreserved");

        byte[] data = pattern(5000, 1);
        as.write(a + SZ_2M + 100, data, 0, data.length);
        assertEquals(new HugetlbInfo(SZ_2M, 8, 7, 2), mm.hugetlb(), "the fault used its reservation");
        assertEquals(512, as.maps().get(0).residentPages(), "one whole huge page");
        byte[] zero = new byte[16];
        as.read(a, zero, 0, zero.length);
        assertEquals(1024, as.maps().get(0).residentPages(), "a read fault takes a huge page too: no zero page");
        assertArrayEquals(new byte[16], zero);
        byte[] back = new byte[data.length];
        as.read(a + SZ_2M + 100, back, 0, back.length);
        assertArrayEquals(data, back);

        // Boundaries only at 2 MiB; remapping is refused.
        assertErrno(Errno.EINVAL, () -> as.munmap(a, PAGE));
        assertErrno(Errno.EINVAL, () -> as.munmap(a + PAGE, SZ_2M));
        assertErrno(Errno.EINVAL, () -> as.mprotect(a, SZ_2M + PAGE, Prot.READ));
        assertErrno(Errno.EINVAL, () -> as.mremap(a, 3 * SZ_2M, 4 * SZ_2M, MremapFlags.MAYMOVE, 0));
        assertErrno(Errno.EINVAL, () -> as.mmap(a + PAGE, PAGE, RW, MapFlags.PRIVATE | MapFlags.ANONYMOUS | MapFlags.FIXED));
        as.mprotect(a, SZ_2M, Prot.READ);
        assertErrno(Errno.EFAULT, () -> as.write(a, data, 0, 1));
        as.munmap(a + 2 * SZ_2M, SZ_2M);
        assertEquals(new HugetlbInfo(SZ_2M, 8, 6, 0), mm.hugetlb(), "the unfaulted page's reservation went back");
        as.munmap(a, 2 * SZ_2M);
        assertEquals(new HugetlbInfo(SZ_2M, 8, 8, 0), mm.hugetlb());
    }

    @Test
    void aForkedChildCopiesWholeHugePagesOnWrite() {
        long a = as.mmap(0, 2 * SZ_2M, RW, HUGE);
        byte[] data = pattern(3000, 5);
        as.write(a + 10, data, 0, data.length);
        MmProcess child = p.fork("child");
        byte[] mine = pattern(100, 9);
        child.mm().write(a + SZ_2M - 150, mine, 0, mine.length);
        assertEquals(new HugetlbInfo(SZ_2M, 8, 6, 1), mm.hugetlb(), "the child copied its huge page from the pool");
        byte[] got = new byte[data.length];
        child.mm().read(a + 10, got, 0, got.length);
        assertArrayEquals(data, got, "the copy keeps every byte of the parent's page");
        byte[] parent = new byte[100];
        as.read(a + SZ_2M - 150, parent, 0, 100);
        assertArrayEquals(new byte[100], parent, "the parent does not see the child's write");
        as.write(a, new byte[] {7}, 0, 1);
        assertEquals(new HugetlbInfo(SZ_2M, 8, 6, 1), mm.hugetlb(), "the parent, alone on its page now, reuses it");
        child.exit();
        as.write(a + SZ_2M, new byte[] {1}, 0, 1);
        assertEquals(new HugetlbInfo(SZ_2M, 8, 6, 0), mm.hugetlb(), "the parent's second page from its reservation");
    }

    @Test
    void aHugetlbfsFileSharesItsHugePagesBetweenProcesses() {
        assertErrno(Errno.EINVAL, () -> mm.createHugetlbFile("odd", SZ_2M + PAGE));
        assertErrno(Errno.ENOMEM, () -> mm.createHugetlbFile("big", 10 * SZ_2M));
        SharedFile f = mm.createHugetlbFile("hugefile", 2 * SZ_2M);
        assertEquals(new HugetlbInfo(SZ_2M, 8, 8, 2), mm.hugetlb());
        assertErrno(Errno.EINVAL, () -> as.mmap(0, SZ_2M, RW, MapFlags.SHARED, f, PAGE));
        SharedFile plain = mm.createFile("plain", SZ_2M, true);
        assertErrno(Errno.EINVAL, () -> as.mmap(0, SZ_2M, RW, MapFlags.SHARED | MapFlags.HUGETLB, plain, 0));
        plain.close();
        long a = as.mmap(0, PAGE, RW, MapFlags.SHARED, f, SZ_2M);
        assertEquals(SZ_2M, as.maps().get(0).length());
        MmProcess other = mm.spawn("other");
        long b = other.mm().mmap(0, 2 * SZ_2M, RW, MapFlags.SHARED, f, 0);
        byte[] data = pattern(4000, 3);
        as.write(a + 123, data, 0, data.length);
        byte[] got = new byte[data.length];
        other.mm().read(b + SZ_2M + 123, got, 0, got.length);
        assertArrayEquals(data, got);
        assertEquals(new HugetlbInfo(SZ_2M, 8, 7, 1), mm.hugetlb());
        long priv = other.mm().mmap(0, SZ_2M, RW, MapFlags.PRIVATE, f, SZ_2M);
        other.mm().write(priv + 123, new byte[] {9}, 0, 1);
        as.read(a + 123, got, 0, 1);
        assertEquals(data[0], got[0], "a private mapping copies the huge page on write");
        assertEquals(new HugetlbInfo(SZ_2M, 8, 6, 1), mm.hugetlb());
        f.close();
        other.exit();
    }

    @Test
    void hmmSeesOrderNineAndMigrationIsRefused() {
        long a = as.mmap(0, 2 * SZ_2M, RW, HUGE);
        IntervalNotifier n = as.insertNotifier(a, 2 * SZ_2M, (sub, range, cur) -> {
            sub.setSeq(cur);
            return true;
        });
        HmmRange r = new HmmRange(n, a, a + 2 * SZ_2M);
        r.defaultFlags = HmmPfn.REQ_FAULT | HmmPfn.REQ_WRITE;
        r.notifierSeq = n.readBegin();
        as.hmmRangeFault(r);
        for (int i = 0; i < 1024; i++) {
            assertEquals(9, HmmPfn.order(r.pfns[i]), "page " + i);
        }
        MigrateVma m = new MigrateVma(a, a + SZ_2M, MigrateVma.SELECT_SYSTEM, this);
        assertErrno(Errno.EINVAL, () -> as.migrateVma(m, args -> { }));
        n.remove();
    }
}
