package accelmm.api.mmu;

import java.util.function.LongPredicate;

import accelmm.api.PageSize;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.Stamps;

/**
 * A GPU engine's loads and stores through a device page table, as the drivers' simulated engines
 * do them: page by page, stopping at the first page that is not mapped or that the driver does not
 * allow (the page then faults, and the access goes on from where it stopped).
 *
 * <p>Concurrency: under the lock that guards the page table (the device lock); the memory moves
 * are the memory manager's.
 */
public final class GpuAccess {
    private static final long PAGE = PageSize.PAGE_SIZE;

    private GpuAccess() {
    }

    /**
     * Moves {@code buf[from, limit)} to ({@code write}) or from the GPU addresses {@code va + from}
     * on, through {@code pt}, while each page is mapped and {@code allowed} accepts its address.
     *
     * @return how far it got: {@code from} when the first page stops it, {@code limit} when done
     */
    public static int bytes(MemoryManager mm, IoPgtable pt, long va, byte[] buf, int from, int limit, boolean write,
            LongPredicate allowed) {
        int done = from;
        while (done < limit) {
            long at = va + done;
            long page = at & ~(PAGE - 1);
            long p = pt.iovaToPhys(page);
            if (p == 0 || !allowed.test(page)) {
                return done;
            }
            int n = (int) Math.min(limit - done, PAGE - (at - page));
            if (write) {
                mm.physWrite(p + (at - page), buf, done, n);
            } else {
                mm.physRead(p + (at - page), buf, done, n);
            }
            done += n;
        }
        return done;
    }

    /**
     * The stamp form of {@link #bytes} ({@link Stamps}): {@code buf} holds 8 bytes a page, and
     * {@code from} and {@code limit} count bytes of it; each page's stamp is stored or loaded whole.
     *
     * @return how far it got, in bytes of {@code buf}
     */
    public static int stamps(MemoryManager mm, IoPgtable pt, long va, byte[] buf, int from, int limit, boolean write,
            LongPredicate allowed) {
        int done = from;
        for (; done < limit; done += 8) {
            long page = va + (long) (done / 8) * PAGE;
            long p = pt.iovaToPhys(page);
            if (p == 0 || !allowed.test(page)) {
                return done;
            }
            if (write) {
                mm.physWriteStamp(p, Stamps.get(buf, done / 8));
            } else {
                Stamps.set(buf, done / 8, mm.physReadStamp(p));
            }
        }
        return done;
    }
}
