package accelmm.api.hmm;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a device does for its device-private pages ({@code struct dev_pagemap_ops}).
 *
 * <p>Concurrency: {@link #migrateToRam} runs on the faulting CPU thread with the address space's
 * locks held; it migrates with {@link accelmm.api.mm.AddressSpace#migrateVma}, which may be called
 * from it.
 */
@ConsumerType
public interface PagemapOps {
    /**
     * A CPU touched a device-private page of this pagemap: migrate it (and any neighbours the driver
     * likes) back to system memory.
     *
     * @param mm the address space that faulted
     * @param addr the faulting page's address
     * @return true on success; false makes the access fail as the kernel's SIGBUS ({@code EFAULT})
     */
    boolean migrateToRam(accelmm.api.mm.AddressSpace mm, long addr);

    /** The last reference to device page {@code pfn} went away ({@code page_free}). */
    default void pageFree(long pfn) {
    }
}
