package accelmm.core.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.mm.GupFlags;
import accelmm.api.mm.MapFlags;
import accelmm.api.mm.MmProcess;
import accelmm.api.mm.MremapFlags;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mm.Prot;
import accelmm.api.mm.SegvException;
import accelmm.api.mm.VmaInfo;
import accelmm.core.diag.CoreDiagnostics;
import accelmm.core.idr.IdrRegistryImpl;

/**
 * Random address-space operations checked against a model: per process, page address to
 * (protection, bytes). An operation the real system refuses must leave the model's view unchanged;
 * the invariant check runs after every step.
 */
final class ModelHarness {
    static final int PAGE = 4096;

    static final class Page {
        int prot;
        byte[] bytes;

        Page(int prot, byte[] bytes) {
            this.prot = prot;
            this.bytes = bytes;
        }

        Page copy() {
            return new Page(prot, bytes == null ? null : bytes.clone());
        }
    }

    final CoreDiagnostics diag = CoreDiagnostics.create();
    final MemoryManagerImpl mm;
    final SplittableRandom rnd;
    final Map<MmProcess, TreeMap<Long, Page>> model = new HashMap<>();
    final List<MmProcess> procs = new ArrayList<>();
    final List<PinnedPages> pins = new ArrayList<>();
    int enomem;

    ModelHarness(long seed, boolean thp) {
        mm = new MemoryManagerImpl(diag, new IdrRegistryImpl(diag), 32L << 20, thp);
        rnd = new SplittableRandom(seed);
        MmProcess p = mm.spawn("p0");
        procs.add(p);
        model.put(p, new TreeMap<>());
    }

    private MmProcess anyProc() {
        return procs.get(rnd.nextInt(procs.size()));
    }

    private long anyMappedPage(TreeMap<Long, Page> m) {
        if (m.isEmpty()) {
            return Mm.MMAP_MIN;
        }
        List<Long> keys = new ArrayList<>(m.keySet());
        return keys.get(rnd.nextInt(keys.size()));
    }

    private int anyProt() {
        int[] prots = {Prot.READ | Prot.WRITE, Prot.READ | Prot.WRITE, Prot.READ, Prot.NONE};
        return prots[rnd.nextInt(prots.length)];
    }

    /** Runs one random operation; returns its name. */
    String step() {
        MmProcess p = anyProc();
        TreeMap<Long, Page> m = model.get(p);
        int op = rnd.nextInt(100);
        try {
            if (op < 14) {
                int pages = 1 + rnd.nextInt(8);
                int prot = anyProt();
                long a = p.mm().mmap(0, (long) pages * PAGE, prot, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
                for (int i = 0; i < pages; i++) {
                    m.put(a + (long) i * PAGE, new Page(prot, null));
                }
                return "mmap";
            } else if (op < 22) {
                long a = anyMappedPage(m);
                int pages = 1 + rnd.nextInt(4);
                p.mm().munmap(a, (long) pages * PAGE);
                m.subMap(a, a + (long) pages * PAGE).clear();
                return "munmap";
            } else if (op < 30) {
                long a = anyMappedPage(m);
                int pages = 1 + rnd.nextInt(4);
                int prot = anyProt();
                boolean covered = true;
                for (int i = 0; i < pages; i++) {
                    covered &= m.containsKey(a + (long) i * PAGE);
                }
                try {
                    p.mm().mprotect(a, (long) pages * PAGE, prot);
                    assertTrue(covered, "mprotect over a hole succeeded");
                    for (int i = 0; i < pages; i++) {
                        m.get(a + (long) i * PAGE).prot = prot;
                    }
                } catch (ErrnoException e) {
                    assertEquals(Errno.ENOMEM, e.errno());
                    assertTrue(!covered, "mprotect failed over a mapped range");
                }
                return "mprotect";
            } else if (op < 36) {
                return mremap(p, m);
            } else if (op < 40 && procs.size() < 4) {
                MmProcess child = p.fork("p" + rnd.nextInt(1000));
                TreeMap<Long, Page> copy = new TreeMap<>();
                m.forEach((k, v) -> copy.put(k, v.copy()));
                procs.add(child);
                model.put(child, copy);
                return "fork";
            } else if (op < 42 && procs.size() > 1) {
                procs.remove(p);
                model.remove(p);
                p.exit();
                return "exit";
            } else if (op < 70) {
                return write(p, m);
            } else if (op < 92) {
                return read(p, m);
            } else if (op < 96) {
                long a = anyMappedPage(m);
                int n = 1 + rnd.nextInt(3);
                boolean write = rnd.nextBoolean();
                boolean pinnable = true;
                for (int i = 0; i < n; i++) {
                    Page pg = m.get(a + (long) i * PAGE);
                    pinnable &= pg != null && (pg.prot & Prot.READ) != 0 && (!write || (pg.prot & Prot.WRITE) != 0);
                }
                try {
                    pins.add(p.mm().pinUserPages(a, n, write ? GupFlags.WRITE : 0));
                    assertTrue(pinnable, "pinned pages the model says cannot be pinned");
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EFAULT) {
                        throw e;
                    }
                    assertTrue(!pinnable, "pin refused although the model allows it");
                }
                return "pin";
            } else if (!pins.isEmpty()) {
                assertTrue(pins.remove(rnd.nextInt(pins.size())).unpin());
                return "unpin";
            }
            return "noop";
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOMEM && diag.faults().site(MemoryManagerImpl.PAGE_ALLOC_SITE).armed()) {
                enomem++;
                return "enomem";
            }
            throw e;
        }
    }

    private String mremap(MmProcess p, TreeMap<Long, Page> m) {
        List<VmaInfo> maps = p.mm().maps();
        if (maps.isEmpty()) {
            return "noop";
        }
        VmaInfo v = maps.get(rnd.nextInt(maps.size()));
        long pages = v.length() / PAGE;
        long first = rnd.nextLong(pages);
        long oldPages = 1 + rnd.nextLong(pages - first);
        long newPages = 1 + rnd.nextInt(6);
        long oldAddr = v.start() + first * PAGE;
        long got = p.mm().mremap(oldAddr, oldPages * PAGE, newPages * PAGE, MremapFlags.MAYMOVE, 0);
        List<Page> moved = new ArrayList<>();
        for (long i = 0; i < oldPages; i++) {
            moved.add(m.remove(oldAddr + i * PAGE));
        }
        for (long i = 0; i < newPages; i++) {
            Page pg = i < oldPages ? moved.get((int) i) : new Page(v.prot(), null);
            m.put(got + i * PAGE, pg);
        }
        return "mremap";
    }

    private boolean allowed(TreeMap<Long, Page> m, long addr, int len, int need) {
        for (long page = addr & -PAGE; page < addr + len; page += PAGE) {
            Page pg = m.get(page);
            if (pg == null || (pg.prot & need) == 0) {
                return false;
            }
        }
        return true;
    }

    private String write(MmProcess p, TreeMap<Long, Page> m) {
        long a = anyMappedPage(m) + rnd.nextInt(PAGE);
        int len = 1 + rnd.nextInt(2 * PAGE);
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        boolean ok = allowed(m, a, len, Prot.WRITE);
        try {
            p.mm().write(a, data, 0, len);
        } catch (SegvException e) {
            assertTrue(!ok, "write refused although the model allows it: " + e.getMessage());
            return "segv";
        }
        assertTrue(ok, "write allowed although the model forbids it");
        for (int done = 0; done < len;) {
            long at = a + done;
            Page pg = m.get(at & -PAGE);
            if (pg.bytes == null) {
                pg.bytes = new byte[PAGE];
            }
            int in = (int) (at & (PAGE - 1));
            int chunk = Math.min(len - done, PAGE - in);
            System.arraycopy(data, done, pg.bytes, in, chunk);
            done += chunk;
        }
        return "write";
    }

    private String read(MmProcess p, TreeMap<Long, Page> m) {
        long a = anyMappedPage(m) + rnd.nextInt(PAGE);
        int len = 1 + rnd.nextInt(2 * PAGE);
        boolean ok = allowed(m, a, len, Prot.READ);
        byte[] got = new byte[len];
        try {
            p.mm().read(a, got, 0, len);
        } catch (SegvException e) {
            assertTrue(!ok, "read refused although the model allows it: " + e.getMessage());
            return "segv";
        }
        assertTrue(ok, "read allowed although the model forbids it");
        assertArrayEquals(expected(m, a, len), got);
        return "read";
    }

    private static byte[] expected(TreeMap<Long, Page> m, long a, int len) {
        byte[] want = new byte[len];
        for (int done = 0; done < len;) {
            long at = a + done;
            Page pg = m.get(at & -PAGE);
            int in = (int) (at & (PAGE - 1));
            int chunk = Math.min(len - done, PAGE - in);
            if (pg.bytes != null) {
                System.arraycopy(pg.bytes, in, want, done, chunk);
            }
            done += chunk;
        }
        return want;
    }

    /** Compares every readable page of every process with the model. */
    void verifyAll() {
        for (MmProcess p : procs) {
            for (Map.Entry<Long, Page> e : model.get(p).entrySet()) {
                if ((e.getValue().prot & Prot.READ) != 0) {
                    byte[] got = new byte[PAGE];
                    p.mm().read(e.getKey(), got, 0, PAGE);
                    assertArrayEquals(expected(model.get(p), e.getKey(), PAGE), got, "page " + Long.toHexString(e.getKey()));
                }
            }
        }
    }

    /** Exits everything and checks that nothing is left. */
    void finish() {
        for (PinnedPages pp : pins) {
            pp.unpin();
        }
        for (MmProcess p : procs) {
            p.exit();
        }
        assertEquals(List.of(), mm.check());
        assertEquals(0, mm.nodes().get(0).used(), "leaked frames");
    }

    void check(String after) {
        List<String> problems = mm.check();
        if (!problems.isEmpty()) {
            fail("after " + after + ": " + problems);
        }
    }
}
