package accelmm.api.mm;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A process's virtual address space ({@code mm_struct}): mappings (VMAs), a CPU page table, and the
 * calls that change them, with Linux's rules and error numbers.
 *
 * <p>Addresses are user virtual addresses below {@link #TASK_SIZE}. Memory is populated on demand:
 * a CPU access that misses faults like Linux (a read of untouched anonymous memory maps the zero
 * page; a write allocates a zeroed frame; a write to a copy-on-write page copies it). Every failed
 * call changes nothing.
 *
 * <p>Concurrency: thread-safe. Mapping changes hold the mmap lock for writing; faults and CPU
 * accesses hold it for reading.
 */
@ProviderType
public interface AddressSpace {
    /** The top of user space: 128 TiB, as on x86-64 with 4-level paging. */
    long TASK_SIZE = 1L << 47;

    /**
     * Maps anonymous memory ({@code mmap} with {@link MapFlags#ANONYMOUS}).
     *
     * @param addr a hint, or with {@link MapFlags#FIXED} the exact page-aligned address
     * @param length bytes; rounded up to whole pages
     * @param prot {@link Prot} bits
     * @param flags exactly one of {@link MapFlags#SHARED} and {@link MapFlags#PRIVATE}, plus
     *     {@link MapFlags#ANONYMOUS} and optionally FIXED, FIXED_NOREPLACE, POPULATE
     * @return the address of the mapping
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a zero length, unknown flags or prot
     *     bits, not exactly one of SHARED and PRIVATE, or an unaligned or out-of-range fixed
     *     address; {@code EEXIST} if FIXED_NOREPLACE overlaps a mapping; {@code ENOMEM} if no
     *     address range is free or the length overflows
     */
    long mmap(long addr, long length, int prot, int flags);

    /**
     * Maps a shared file object at {@code offset}. {@link MapFlags#SHARED} writes go to the file;
     * {@link MapFlags#PRIVATE} writes copy the page first.
     *
     * @throws accelmm.api.ErrnoException as {@link #mmap(long, long, int, int)}; {@code EINVAL} for
     *     an unaligned offset or ANONYMOUS with a file; {@code EBADF} for a null or closed file
     */
    long mmap(long addr, long length, int prot, int flags, SharedFile file, long offset);

    /**
     * Maps a shared file object through a descriptor with the given access, as
     * {@link #mmap(long, long, int, int, SharedFile, long)} does through one open for writing.
     * Without {@code writeAccess} a shared mapping can never be written (the kernel clears
     * {@code VM_MAYWRITE}): asking for {@link Prot#WRITE} now, or later with {@link #mprotect},
     * is {@code EACCES}.
     *
     * @throws accelmm.api.ErrnoException as the other form; {@code EACCES} for a shared writable
     *     mapping without write access
     */
    long mmap(long addr, long length, int prot, int flags, SharedFile file, long offset, boolean writeAccess);

    /**
     * Unmaps {@code [addr, addr + length)}; parts of mappings are split off. Unmapping a range with
     * no mapping is not an error.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unaligned address, a zero length, or
     *     a range beyond {@link #TASK_SIZE}
     */
    void munmap(long addr, long length);

    /**
     * Changes the protection of {@code [addr, addr + length)}; a length of 0 does nothing.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unaligned address or unknown prot
     *     bits; {@code ENOMEM} if part of the range is not mapped (nothing is changed); {@code EACCES}
     *     for write access to a shared mapping of a read-only file
     */
    void mprotect(long addr, long length, int prot);

    /**
     * Grows, shrinks or moves a mapping ({@code mremap}).
     *
     * @param flags {@link MremapFlags} bits
     * @param newAddr the target with {@link MremapFlags#FIXED}
     * @return the new address
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unaligned address, a zero new length,
     *     unknown flags, FIXED or DONTUNMAP without MAYMOVE, DONTUNMAP with a size change or on
     *     shared memory, or overlapping old and new ranges; {@code EFAULT} if the old range is not
     *     inside one mapping; {@code ENOMEM} if it cannot grow in place and may not move, or no room
     */
    long mremap(long oldAddr, long oldLength, long newLength, int flags, long newAddr);

    /**
     * Reads memory as the CPU does, faulting pages in.
     *
     * @throws SegvException if any byte of the range is unmapped or not readable (nothing is read)
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if a fault cannot allocate
     */
    void read(long addr, byte[] dst, int off, int len);

    /**
     * Writes memory as the CPU does, faulting pages in and breaking copy-on-write.
     *
     * @throws SegvException if any byte of the range is unmapped or not writable (nothing is
     *     written)
     * @throws accelmm.api.ErrnoException {@code ENOMEM} if a fault cannot allocate (nothing is
     *     written)
     */
    void write(long addr, byte[] src, int off, int len);

    /**
     * Reads the stamps ({@link Stamps}) of {@code count} whole pages from page-aligned {@code addr}
     * as the CPU does, faulting pages in: 0 for a page never written.
     *
     * @throws SegvException if any page of the range is unmapped or not readable (nothing is read)
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an address that is not page-aligned or a
     *     bad array range; {@code ENOMEM} if a fault cannot allocate
     */
    void readStamps(long addr, long[] dst, int off, int count);

    /**
     * Writes a stamp ({@link Stamps}) into each of {@code count} whole pages from page-aligned
     * {@code addr} as the CPU does, faulting pages in and breaking copy-on-write: each page then
     * reads as the stamp's expansion.
     *
     * @throws SegvException if any page of the range is unmapped or not writable (nothing is
     *     written)
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an address that is not page-aligned, a
     *     bad array range or a stamp that is not {@link Stamps#valid} (nothing is written);
     *     {@code ENOMEM} if a fault cannot allocate (nothing is written)
     */
    void writeStamps(long addr, long[] src, int off, int count);

    /**
     * Faults the pages of {@code [addr, addr + length)} in without reading or writing them
     * ({@code madvise(MADV_POPULATE_READ)} or {@code MADV_POPULATE_WRITE} with {@code write}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unaligned address or a negative
     *     length; {@code ENOMEM} if part of the range is not mapped; {@code EFAULT} if the mapping
     *     forbids the access or a fault fails; {@code ENOMEM} if a fault cannot allocate
     */
    void populate(long addr, long length, boolean write);

    /**
     * Pins {@code nrPages} pages from {@code addr} ({@code pin_user_pages}): faults them in (writable
     * and un-shared with {@link GupFlags#WRITE}) and pins their frames. All or nothing.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unaligned address or a page count
     *     below 1; {@code EFAULT} if any page is unmapped or lacks the needed access (what was
     *     pinned is released); {@code ENOMEM}
     */
    PinnedPages pinUserPages(long addr, int nrPages, int gupFlags);

    /**
     * Subscribes to invalidations of {@code [start, start + length - 1]}
     * ({@code mmu_interval_notifier_insert}). If an invalidation is running, the notifier may join
     * the tree only when it ends, and a {@code readBegin} right away waits for it.
     *
     * @throws accelmm.api.ErrnoException {@code EOVERFLOW} for a zero length or an interval that
     *     wraps; {@code EINVAL} for null ops or an address space that has exited
     */
    accelmm.api.notifier.IntervalNotifier insertNotifier(long start, long length,
            accelmm.api.notifier.IntervalNotifierOps ops);

    /**
     * Faults a range for a device mirror and reports what the CPU maps there ({@code hmm_range_fault}).
     * Per page the request is {@code (pfns[i] & pfnFlagsMask) | defaultFlags}; a page is faulted
     * when the request has REQ_FAULT and the page is not valid, or REQ_WRITE and it is not writable.
     * Pages without a request are reported as they are.
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} if the notifier's sequence moved (call again
     *     after a new {@code readBegin}); {@code EFAULT} if a requested page has no mapping or no read
     *     access, or its fault fails; {@code EPERM} for a write request on a read-only mapping;
     *     {@code ENOMEM}; {@code EINVAL} if the range's notifier belongs to another address space or
     *     does not cover the range
     */
    void hmmRangeFault(accelmm.api.hmm.HmmRange range);

    /**
     * Migrates pages of {@code [args.start, args.end)} ({@code migrate_vma_setup},
     * {@code migrate_vma_pages}, {@code migrate_vma_finalize} as one call): collects the selected
     * pages (private anonymous memory only; pinned or shared pages are not collected) with a
     * {@code MIGRATE} invalidation naming {@code args.pgmapOwner}, lets {@code copier} provide the
     * destinations, then maps the destinations in place of the sources and releases the sources.
     * Untouched pages are collected without a source; the driver zero-fills their destination.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} if the range is not inside one mapping;
     *     {@code EFAULT} after exit
     */
    void migrateVma(accelmm.api.hmm.MigrateVma args, accelmm.api.hmm.MigrateCopier copier);

    /**
     * Makes the pages of {@code [start, end)} exclusive to a device for atomic access
     * ({@code make_device_exclusive_range}): faults them in writable, then replaces their CPU
     * mappings with exclusive entries under an {@code EXCLUSIVE} invalidation naming {@code owner}.
     * The next CPU access to such a page restores the normal mapping, with an {@code EXCLUSIVE}
     * invalidation without owner, which revokes the device's exclusivity.
     *
     * @return per page, the host frame number the device may now access exclusively
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unaligned or empty range;
     *     {@code EFAULT} if a page is not mapped writable; {@code ENOMEM}
     */
    long[] makeDeviceExclusive(long start, long end, Object owner);

    /** Lists the interval notifiers in address order. */
    List<accelmm.api.notifier.NotifierInfo> notifiers();

    /** Lists the mappings in address order, with residency. */
    List<VmaInfo> maps();

    /**
     * Gives advice about a range ({@code madvise}): {@link Madvise#HUGEPAGE} or
     * {@link Madvise#NOHUGEPAGE}, kept per mapping (a mapping is split where the range starts and
     * ends inside it, which also maps a huge page there by pages from then on). The length is
     * rounded up to whole pages; a length of 0 does nothing.
     *
     * <p>Context: takes the mmap lock for writing.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for unknown advice, an unaligned
     *     {@code addr} or a range that wraps; {@code ENOMEM} if part of the range is not mapped
     *     (the mapped parts still take the advice, as the kernel's walk does)
     */
    void madvise(long addr, long length, int advice);

    /**
     * Returns the mapping that contains {@code addr}, or null ({@code vma_lookup}). Unlike
     * {@link #maps()} it does not count resident pages: {@link VmaInfo#residentPages()} is -1.
     *
     * <p>Context: takes the mmap lock for reading, so a driver calls it before it takes a lock
     * that an invalidation callback takes.
     */
    VmaInfo vmaLookup(long addr);

    /**
     * Returns the mappings that intersect {@code [start, end)}, in address order, without counting
     * resident pages ({@code for_each_vma_range}); empty when {@code end <= start}.
     *
     * <p>Context: takes the mmap lock for reading, as {@link #vmaLookup}.
     */
    List<VmaInfo> vmas(long start, long end);
}
