package accelmm.core.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;
import accelmm.api.mm.Shrinker;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;

/** Direct reclaim: a full host asks the shrinkers before an access, a populate or a pin answers ENOMEM. */
class ShrinkersTest {
    static final long MIB = 1L << 20;
    static final int RW = Prot.READ | Prot.WRITE;
    static final int ANON = MapFlags.PRIVATE | MapFlags.ANONYMOUS;

    final CoreDiagnostics diag = CoreDiagnostics.create();
    final MemoryManagerImpl mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 8 * MIB, false);
    final MmProcess cache = mm.spawn("cache");
    final MmProcess user = mm.spawn("user");

    /** A cache of pinned pages of its own process, given back a batch at a time. */
    final class PinnedCache implements Shrinker {
        final List<PinnedPages> held = new ArrayList<>();
        final List<Long> asked = new ArrayList<>();

        PinnedCache(int batches) {
            long a = cache.mm().mmap(0, batches * 64L * 4096, RW, ANON);
            for (int i = 0; i < batches; i++) {
                held.add(cache.mm().pinUserPages(a + i * 64L * 4096, 64, accelmm.api.mm.GupFlags.WRITE));
            }
            cache.mm().munmap(a, batches * 64L * 4096);
        }

        @Override
        public long count() {
            return held.size() * 64L;
        }

        @Override
        public long scan(long nrPages) {
            asked.add(nrPages);
            long freed = 0;
            while (freed < nrPages && !held.isEmpty()) {
                held.remove(held.size() - 1).unpin();
                freed += 64;
            }
            return freed;
        }
    }

    @AfterEach
    void nothingLeaks() {
        user.exit();
        cache.exit();
        assertEquals(List.of(), mm.check());
    }

    @Test
    void aWriteIntoAFullHostReclaimsWhatItNeedsAndNoMore() {
        PinnedCache c = new PinnedCache(24);
        Shrinker.Registration reg = mm.registerShrinker("pinned", c);
        long a = user.mm().mmap(0, 4 * MIB, RW, ANON);
        byte[] data = new byte[(int) (4 * MIB)];
        java.util.Arrays.fill(data, (byte) 3);
        user.mm().write(a, data, 0, data.length);
        byte[] back = new byte[data.length];
        user.mm().read(a, back, 0, back.length);
        assertArrayEquals(data, back);
        assertEquals(1024L, mm.counters().get("reclaim.pages"), "16 batches of 64 for the 1024 pages asked");
        assertEquals(24 - 16, c.held.size());
        assertEquals(List.of(1024L), c.asked, "one reclaim asked for the whole access");
        reg.unregister();
        reg.unregister();
        long b = user.mm().mmap(0, 4 * MIB, RW, ANON);
        ErrnoException e = assertThrows(ErrnoException.class, () -> user.mm().populate(b, 4 * MIB, true));
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals(List.of(1024L), c.asked, "an unregistered shrinker is not asked");
        c.held.forEach(PinnedPages::unpin);
    }

    @Test
    void aPinAndAPopulateReclaimAndAFailingShrinkerIsSkipped() {
        mm.registerShrinker("broken", new Shrinker() {
            @Override
            public long count() {
                return 1;
            }

            @Override
            public long scan(long nrPages) {
                throw new IllegalStateException("broken cache");
            }
        });
        PinnedCache c = new PinnedCache(28);
        mm.registerShrinker("pinned", c);
        long a = user.mm().mmap(0, 2 * MIB, RW, ANON);
        user.mm().populate(a, MIB, true);
        long afterPopulate = mm.counters().get("reclaim.pages");
        PinnedPages p = user.mm().pinUserPages(a + MIB, 256, 0);
        assertEquals(256, p.pfns().length);
        p.unpin();
        assertTrue(mm.counters().get("reclaim.pages") >= afterPopulate + 256 - 64,
                "the pin reclaimed past the broken shrinker what the host lacked");
        assertTrue(c.held.size() < 28, "the pinned cache gave pages back");
        assertEquals(0, diag.warnings().count(), "a shrinker's failure is logged, not a core warning");
        c.held.forEach(PinnedPages::unpin);
    }

    @Test
    void mapPopulateReclaimsAfterTheMmapLockIsDropped() {
        PinnedCache c = new PinnedCache(28);
        mm.registerShrinker("pinned", c);
        long a = user.mm().mmap(0, 2 * MIB, RW, ANON | MapFlags.POPULATE);
        assertEquals(512, user.mm().maps().get(0).residentPages(), "every page was populated");
        assertTrue(mm.counters().get("reclaim.pages") >= 256, "the host lacked 256 pages");
        assertTrue(c.held.size() <= 28 - 4, "they came from the pinned cache");
        c.held.forEach(PinnedPages::unpin);
    }

    @Test
    void aShrinkerThatOnlyClaimsToFreeCannotKeepAnAccessLooping() {
        PinnedCache c = new PinnedCache(30);
        mm.registerShrinker("liar", new Shrinker() {
            @Override
            public long count() {
                return 1000;
            }

            @Override
            public long scan(long nrPages) {
                return nrPages;
            }
        });
        long a = user.mm().mmap(0, 2 * MIB, RW, ANON);
        ErrnoException e = assertThrows(ErrnoException.class, () -> user.mm().write(a, new byte[(int) (2 * MIB)], 0, (int) (2 * MIB)));
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals(1L, mm.counters().get("reclaim.runs"), "one reclaim, no progress, no second try");
        c.held.forEach(PinnedPages::unpin);
    }

    @Test
    void badArgumentsAreEinval() {
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> mm.registerShrinker("", new PinnedCache(0))).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> mm.registerShrinker("x", null)).errno());
        assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class, () -> mm.reclaim(0)).errno());
        assertEquals(0, mm.reclaim(5), "no shrinker, nothing freed");
    }
}
