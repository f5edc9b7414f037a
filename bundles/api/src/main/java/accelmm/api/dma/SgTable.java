package accelmm.api.dma;

import java.util.List;

/**
 * A scatter-gather table ({@code struct sg_table}): entries of contiguous memory. A DMA-only table
 * (device memory behind a PCI BAR) has no pages: {@link #origNents()} is 0 and importers may use only
 * the DMA addresses and lengths.
 *
 * <p>Concurrency: immutable.
 *
 * @param entries the entries
 * @param origNents entries with pages behind them (0 for a DMA-only table)
 */
public record SgTable(List<SgEntry> entries, int origNents) {
    /** Creates the table, copying the entries. */
    public SgTable {
        entries = List.copyOf(entries);
    }

    /** Returns the number of entries ({@code nents}). */
    public int nents() {
        return entries.size();
    }

    /** Returns the total bytes. */
    public long length() {
        return entries.stream().mapToLong(SgEntry::length).sum();
    }

    /** Returns true for a table without pages. */
    public boolean dmaOnly() {
        return origNents == 0 && !entries.isEmpty();
    }
}
