package accelmm.core.mm;

import java.util.concurrent.atomic.AtomicBoolean;

import accelmm.api.mm.PinnedPages;
import accelmm.core.mem.MemoryNode;

/**
 * Frames pinned by {@code pin_user_pages}; {@link #unpin()} releases them once.
 *
 * <p>Concurrency: thread-safe.
 */
final class Pins implements PinnedPages {
    private final MemoryNode node;
    private final long[] pfns;
    private final Counters counters;
    private final AtomicBoolean released = new AtomicBoolean();

    Pins(MemoryNode node, long[] pfns, Counters counters) {
        this.node = node;
        this.pfns = pfns;
        this.counters = counters;
    }

    @Override
    public int node() {
        return node.id();
    }

    @Override
    public long[] pfns() {
        return pfns.clone();
    }

    @Override
    public boolean unpin() {
        if (!released.compareAndSet(false, true)) {
            return false;
        }
        for (long pfn : pfns) {
            node.unpin(pfn);
        }
        counters.add(Counter.GUP_UNPIN, pfns.length);
        return true;
    }
}
