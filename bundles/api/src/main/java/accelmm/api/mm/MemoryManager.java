package accelmm.api.mm;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The core memory-manager service: processes and their address spaces, shared files, memory nodes,
 * counters, the invariant check and fault injection.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface MemoryManager {
    /**
     * Creates a process with an empty address space.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an empty name; {@code EAGAIN} if no pid
     *     is free
     */
    MmProcess spawn(String name);

    /**
     * Returns a live process.
     *
     * @throws accelmm.api.ErrnoException {@code ESRCH} if there is none with that pid
     */
    MmProcess process(int pid);

    /** Lists the live processes by pid. */
    List<ProcessInfo> processes();

    /**
     * Registers a cache that gives host memory back when the host runs short ({@code register_shrinker}).
     *
     * @param name what {@code mm:stats} and warnings call it
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a null shrinker or an empty name
     */
    Shrinker.Registration registerShrinker(String name, Shrinker shrinker);

    /**
     * Asks the registered shrinkers to free about {@code nrPages} pages now, as the host's own
     * allocations do when it is full ({@code drop_caches} for the caches that are shrinkers).
     *
     * @return the pages they freed
     * @throws accelmm.api.ErrnoException {@code EINVAL} for fewer than one page
     */
    long reclaim(long nrPages);

    /**
     * Creates a shared file of {@code size} zero bytes.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a negative size or an empty name
     */
    SharedFile createFile(String name, long size, boolean writable);

    /**
     * Creates a file on hugetlbfs: its pages are 2 MiB huge pages of the hugetlb pool, reserved now
     * for the whole file, as a hugetlbfs file reserves what its mappings may fault. Mapping it takes
     * lengths in whole huge pages and offsets aligned to them.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an empty name or a size that is not a
     *     positive multiple of 2 MiB; {@code ENOMEM} when the pool cannot reserve it
     */
    SharedFile createHugetlbFile(String name, long size);

    /** Returns the hugetlb pool's figures. */
    HugetlbInfo hugetlb();

    /**
     * Creates a device memory node of {@code size} bytes (rounded down to whole pages).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an empty name or a size below one page
     */
    DeviceMemory createDeviceMemory(String name, long size);

    /**
     * Removes a device memory node.
     *
     * @throws accelmm.api.ErrnoException {@code EBUSY} while any of its memory is allocated;
     *     {@code ENODEV} if it is not a node of this manager
     */
    void removeDeviceMemory(DeviceMemory node);

    /**
     * Registers a device memory node as device-private pages owned by {@code owner}
     * ({@code memremap_pages}).
     *
     * @throws accelmm.api.ErrnoException {@code EEXIST} if the node already has a pagemap;
     *     {@code ENODEV} for a node of another manager; {@code ENOSPC} when 15 pagemaps exist;
     *     {@code EINVAL} for null owner or ops
     */
    accelmm.api.hmm.DevicePagemap registerPagemap(DeviceMemory node, Object owner, accelmm.api.hmm.PagemapOps ops);

    /**
     * Registers a device memory node as device-private pages, as
     * {@link #registerPagemap(DeviceMemory, Object, accelmm.api.hmm.PagemapOps)}, or with
     * {@code coherent} as device-coherent pages ({@code MEMORY_DEVICE_COHERENT}): the CPU maps them
     * and reads and writes the device memory directly, without faulting; {@code hmm_range_fault}
     * reports them to any caller as ordinary pages; they migrate back only when selected with
     * {@link accelmm.api.hmm.MigrateVma#SELECT_DEVICE_COHERENT}, or when a pin or a copy-on-write
     * needs a page in system memory (the owner's {@code migrateToRam} moves it first).
     *
     * @throws accelmm.api.ErrnoException as the other form
     */
    accelmm.api.hmm.DevicePagemap registerPagemap(DeviceMemory node, Object owner, accelmm.api.hmm.PagemapOps ops,
            boolean coherent);

    /**
     * Allocates one zeroed page of a device memory node for a migration destination
     * ({@code alloc_page} on the device's free list).
     *
     * @return the {@link accelmm.api.hmm.MigratePfn} entry of the page
     * @throws accelmm.api.ErrnoException {@code ENOMEM} when the node is full
     */
    long allocDevicePage(DeviceMemory node);

    /**
     * Allocates one zeroed host page for a migration destination.
     *
     * @return the {@link accelmm.api.hmm.MigratePfn} entry of the page
     * @throws accelmm.api.ErrnoException {@code ENOMEM}
     */
    long allocHostPage();

    /**
     * Copies a whole page between any two nodes, given {@link accelmm.api.hmm.MigratePfn} entries.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown node
     */
    void copyPage(long fromEntry, long toEntry);

    /**
     * Reads memory by physical address ({@link PhysAddr}), as a DMA engine does; the range may
     * cross pages of one node. The zero page ({@link PhysAddr#ZERO_PAGE}) reads as zeros.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} if any page of the range is not an allocated
     *     frame of a node (nothing is read then); {@code EINVAL} for a bad buffer
     */
    void physRead(long physAddr, byte[] dst, int off, int len);

    /**
     * Writes memory by physical address ({@link PhysAddr}), as a DMA engine does.
     *
     * @throws accelmm.api.ErrnoException {@code EFAULT} if any page of the range is not an allocated
     *     frame of a node, or is the read-only zero page (nothing is written then); {@code EINVAL}
     *     for a bad buffer
     */
    void physWrite(long physAddr, byte[] src, int off, int len);

    /**
     * Reads the stamp ({@link Stamps}) of the page at a page-aligned physical address, as a DMA
     * engine that compares whole pages would: 0 for a page never written.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an address that is not page-aligned;
     *     {@code EFAULT} if the page is not an allocated frame of a node
     */
    long physReadStamp(long physAddr);

    /**
     * Makes the page at a page-aligned physical address hold a stamp ({@link Stamps}).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an address that is not page-aligned or a
     *     stamp that is not {@link Stamps#valid}; {@code EFAULT} if the page is not an allocated
     *     frame of a node
     */
    void physWriteStamp(long physAddr, long stamp);

    /** Lists the memory nodes (host RAM first). */
    List<NodeInfo> nodes();

    /** Returns the event counters (faults by kind, copy-on-write copies, pins, calls), sorted. */
    Map<String, Long> counters();

    /**
     * Checks every invariant: each node's allocator and frame state, and that every frame's
     * reference count equals its mappings plus pins plus file-cache ownership.
     *
     * @return the breaches found; empty when everything holds
     */
    List<String> check();

    /**
     * Arms a fault-injection site (like failslab): {@code probability} percent of every
     * {@code interval}-th call fail, at most {@code times} times ({@code -1}: no limit).
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown site; {@code EINVAL} for
     *     values out of range
     */
    void failArm(String site, int probability, long interval, long times, long seed);

    /**
     * Disarms a site.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown site
     */
    void failDisarm(String site);

    /** Lists the fault-injection sites. */
    List<FaultSiteInfo> failSites();
}
