package accelmm.core.gpusvm;

import java.util.Arrays;

import accelmm.api.policy.PrefetchRequest;

/**
 * The granule around one fault as a prefetch policy sees it, and the pages it selected: bitmaps
 * over the granule's pages, reused from fault to fault.
 *
 * <p>Concurrency: one per device, used under the device lock.
 */
final class PrefetchRequestImpl implements PrefetchRequest {
    private long[] resident = new long[8];
    private long[] selected = new long[8];
    private int pages;
    private int faultPage;
    private int first;
    private int end;
    private long basePage;
    private long[] history;

    void reset(long granuleStart, int pages, int faultPage, int first, int end, long[] history) {
        int words = (pages + 63) >>> 6;
        if (resident.length < words) {
            resident = new long[words];
            selected = new long[words];
        }
        Arrays.fill(resident, 0, words, 0);
        Arrays.fill(selected, 0, words, 0);
        this.basePage = granuleStart / GpuSvmImpl.PAGE;
        this.pages = pages;
        this.faultPage = faultPage;
        this.first = first;
        this.end = end;
        this.history = history;
    }

    void markResident(int from, int to) {
        for (int p = Math.max(0, from); p < Math.min(pages, to); p++) {
            resident[p >>> 6] |= 1L << p;
        }
    }

    boolean selected(int page) {
        return (selected[page >>> 6] & 1L << page) != 0;
    }

    @Override
    public int pages() {
        return pages;
    }

    @Override
    public int faultPage() {
        return faultPage;
    }

    @Override
    public int first() {
        return first;
    }

    @Override
    public int end() {
        return end;
    }

    @Override
    public boolean resident(int page) {
        return page >= 0 && page < pages && (resident[page >>> 6] & 1L << page) != 0;
    }

    @Override
    public int residentCount(int from, int to) {
        int n = 0;
        for (int p = Math.max(0, from); p < Math.min(pages, to); p++) {
            n += (int) (resident[p >>> 6] >>> p & 1);
        }
        return n;
    }

    @Override
    public long previousFault(int back) {
        if (back < 1 || back > history.length || history[back - 1] == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return history[back - 1] - basePage;
    }

    @Override
    public void select(int from, int to) {
        for (int p = Math.max(first, from); p < Math.min(end, to); p++) {
            selected[p >>> 6] |= 1L << p;
        }
    }
}
