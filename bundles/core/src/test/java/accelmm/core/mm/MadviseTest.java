package accelmm.core.mm;

import static accelmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.Madvise;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.Prot;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;

/** {@code madvise(MADV_HUGEPAGE / MADV_NOHUGEPAGE)} under the three transparent-huge-page settings. */
class MadviseTest {
    static final long PAGE = 4096;
    static final long SZ_2M = 2L << 20;
    static final int RW = Prot.READ | Prot.WRITE;
    static final int ANON = MapFlags.PRIVATE | MapFlags.ANONYMOUS;

    final CoreDiagnostics diag = CoreDiagnostics.create();


    /** What a test does with a fresh process of a memory manager whose huge pages follow {@code mode}. */
    @FunctionalInterface
    interface Body {
        void run(MemoryManagerImpl mm, MmProcess p, AddressSpace as);
    }

    /** Runs {@code body} on a fresh process, ends it, and checks the invariants. */
    void withProcess(ThpMode mode, Body body) {
        MemoryManagerImpl mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 64L << 20, mode);
        MmProcess p = mm.spawn("p");
        try {
            body.run(mm, p, p.mm());
        } finally {
            p.exit();
        }
        assertEquals(List.of(), mm.check());
    }

    /** Touches one byte in each of four aligned 2 MiB blocks, the middle two advised; returns the huge faults. */
    long hugeFaults(ThpMode mode, int advice) {
        long[] huge = new long[1];
        withProcess(mode, (mm, p, as) -> {
            long a = as.mmap(0x40000000L, 4 * SZ_2M, RW, ANON | MapFlags.FIXED);
            if (advice != 0) {
                as.madvise(a + SZ_2M, 2 * SZ_2M, advice);
            }
            for (int i = 0; i < 4; i++) {
                as.write(a + i * SZ_2M, new byte[] {1}, 0, 1);
            }
            huge[0] = mm.counters().get("fault.anon_huge");
        });
        return huge[0];
    }

    @Test
    void theAdviceDecidesWhereHugePagesGoUnderEachSetting() {
        assertEquals(4, hugeFaults(ThpMode.ALWAYS, 0));
        assertEquals(2, hugeFaults(ThpMode.ALWAYS, Madvise.NOHUGEPAGE), "always, except where advised not to");
        assertEquals(4, hugeFaults(ThpMode.ALWAYS, Madvise.HUGEPAGE));
        assertEquals(0, hugeFaults(ThpMode.MADVISE, 0));
        assertEquals(2, hugeFaults(ThpMode.MADVISE, Madvise.HUGEPAGE), "madvise: only where advised");
        assertEquals(0, hugeFaults(ThpMode.MADVISE, Madvise.NOHUGEPAGE));
        assertEquals(0, hugeFaults(ThpMode.NEVER, Madvise.HUGEPAGE), "never, whatever the advice");
    }

    @Test
    void adviceSplitsMappingsOnlyWhereItChangesThemAndReachesTheChild() {
        withProcess(ThpMode.MADVISE, (mm, p, as) -> {
            long a = as.mmap(0x40000000L, 3 * SZ_2M, RW, ANON | MapFlags.FIXED);
            as.madvise(a + SZ_2M, SZ_2M - 100, Madvise.HUGEPAGE);
            assertEquals(3, as.maps().size(), "split at both ends; the length was rounded up to a page");
            as.madvise(a + SZ_2M + PAGE, PAGE, Madvise.HUGEPAGE);
            assertEquals(3, as.maps().size(), "the same advice again splits nothing");
            as.madvise(a, 0, Madvise.NOHUGEPAGE);
            assertEquals(3, as.maps().size(), "a length of 0 does nothing");
            MmProcess child = p.fork("child");
            try {
                child.mm().write(a + SZ_2M, new byte[] {1}, 0, 1);
                child.mm().write(a, new byte[] {1}, 0, 1);
                assertEquals(1, mm.counters().get("fault.anon_huge"), "the child keeps the advice");
            } finally {
                child.exit();
            }
        });
    }

    @Test
    void badAdviceAndRangesAnswerAsTheKernel() {
        withProcess(ThpMode.ALWAYS, (mm, p, as) -> {
            long a = as.mmap(0x40000000L, 4 * PAGE, RW, ANON | MapFlags.FIXED);
            assertErrno(Errno.EINVAL, () -> as.madvise(a, PAGE, 4));
            assertErrno(Errno.EINVAL, () -> as.madvise(a + 1, PAGE, Madvise.HUGEPAGE));
            assertErrno(Errno.EINVAL, () -> as.madvise(a, -1, Madvise.HUGEPAGE));
            assertErrno(Errno.EINVAL, () -> as.madvise(Long.MAX_VALUE & -PAGE, 2 * PAGE, Madvise.HUGEPAGE));
            assertErrno(Errno.ENOMEM, () -> as.madvise(a + 2 * PAGE, 4 * PAGE, Madvise.NOHUGEPAGE));
            assertEquals(2, as.maps().size(), "the mapped part took the advice before the ENOMEM");
            assertErrno(Errno.ENOMEM, () -> as.madvise(a + 8 * PAGE, PAGE, Madvise.NOHUGEPAGE));
        });
    }
}
