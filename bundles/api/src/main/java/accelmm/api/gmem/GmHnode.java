package accelmm.api.gmem;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Device physical memory registered with {@link GmDev#registerPhysmem}: a range of the device's
 * memory node and the count of its pages that are free.
 *
 * <p>Concurrency: thread-safe; the counts are a snapshot.
 */
@ProviderType
public interface GmHnode {
    /** Returns the hnode id. */
    int nid();

    /** Returns the first byte offset in the device's memory node. */
    long begin();

    /** Returns one past the last byte offset. */
    long end();

    /** Returns the number of pages. */
    long pages();

    /** Returns the number of free pages. */
    long freePages();
}
