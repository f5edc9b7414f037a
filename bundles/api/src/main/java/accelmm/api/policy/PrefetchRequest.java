package accelmm.api.policy;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One fault as a prefetch policy sees it: the device's granule around the faulting page (a 2 MiB
 * block of 4 KiB pages, as UVM's VA block), which of its pages the device holds already, and the
 * window the pages may be taken from (the VMA, the bind and the notifier window, clipped to the
 * granule). The policy selects pages; the core migrates and maps them with the faulting one.
 *
 * <p>Concurrency: valid only during the {@link PrefetchPolicy#prefetch} call it is given to.
 */
@ProviderType
public interface PrefetchRequest {
    /** Returns the pages in the granule (a power of two). */
    int pages();

    /** Returns the index of the faulting page in the granule. */
    int faultPage();

    /** Returns the first page that may be selected. */
    int first();

    /** Returns one past the last page that may be selected. */
    int end();

    /** Returns true if the device holds page {@code page} already (mapped by an earlier fault). */
    boolean resident(int page);

    /** Returns how many of pages {@code [from, to)} the device holds already. */
    int residentCount(int from, int to);

    /**
     * Returns the granule-relative page of the {@code back}-th fault before this one in the same
     * address space (1 is the previous fault), or {@link Long#MIN_VALUE} if there was none; it may
     * lie outside the granule (negative or past {@link #pages()}).
     */
    long previousFault(int back);

    /** Adds pages {@code [from, to)}, clipped to the window, to those that move with the fault. */
    void select(int from, int to);
}
