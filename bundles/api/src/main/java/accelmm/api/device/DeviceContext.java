package accelmm.api.device;

import java.util.List;
import java.util.Map;

import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaDevice;
import accelmm.api.dma.DmaDirection;
import accelmm.api.dma.SgTable;
import accelmm.api.idr.Idr;
import accelmm.api.lockdep.TrackedLock;
import accelmm.api.mm.AddressSpace;
import accelmm.api.mm.Block;
import accelmm.api.mm.DeviceMemory;
import accelmm.api.mm.MemoryManager;
import accelmm.api.mm.PinnedPages;
import accelmm.api.mmu.AsidSlots;
import accelmm.api.mmu.DrmMm;
import accelmm.api.mmu.GnaMmu;
import accelmm.api.mmu.IoPgtable;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the core hands a driver for one device: its configuration and the state it owns — memory
 * node, DMA device, registries, key-value state, counters — and tracked operations whose results
 * the core tears down when a file closes or the device is unplugged.
 *
 * <p>Concurrency: thread-safe.
 */
@ProviderType
public interface DeviceContext {
    /** Returns the device name. */
    String name();

    /** Returns the configuration. */
    DeviceSpec spec();

    /** Returns the device's memory node, or null for a device without memory. */
    DeviceMemory memory();

    /** Returns the device's DMA side: its IOMMU and DMA engine. */
    DmaDevice dmaDevice();

    /** Returns the memory manager. */
    MemoryManager memoryManager();

    /** Returns the DMA service (topology, dma-bufs, scatter-gather tables). */
    Dma dma();

    /**
     * Returns a device-wide IDR, created on first use and kept across driver swaps until the device
     * is unplugged. Values must be api types or plain data.
     *
     * @throws accelmm.api.ErrnoException {@code EEXIST} if the name holds another kind of registry
     */
    <T> Idr<T> idr(String name, int base);

    /** Returns the device's GPU SVMs, kept across driver swaps until the device is unplugged. */
    accelmm.api.gpusvm.GpuSvms gpuSvms();

    /** Returns the device's GEM objects and their helpers, kept across driver swaps until the device is unplugged. */
    accelmm.api.gem.Gem gem();

    /** Returns the memory policies the device uses now (eviction, prefetch, thrashing). */
    accelmm.api.policy.DevicePolicies policies();

    /** Returns the device's cost model and simulated clocks. */
    accelmm.api.cost.DeviceCost cost();

    /**
     * Returns the device lock ({@code drm_gpusvm}'s notifier lock, a driver's {@code vm->lock} for
     * its page tables): one per device, made and kept by the core across driver swaps. It is the
     * innermost lock of the order in the package description: invalidation callbacks take it with
     * the mmap lock and the page-table lock held, so code holding it must not call into an address
     * space ({@link AddressSpace} methods, {@link #insertNotifier}, a notifier's {@code readBegin}
     * or {@code remove}, migration, a device page map's eviction) nor enter another device.
     *
     * <p>Context: any; the lock is reentrant and its acquisitions are checked by
     * {@link accelmm.api.lockdep.Lockdep}.
     */
    TrackedLock lock();

    /** Returns the device's driver state ({@code dev_private}), kept across driver swaps until the device is unplugged. */
    StateStore state();

    /** Adds to a device counter (shown by {@code dev:stats}). */
    void count(String counter, long delta);

    /** Returns the device's counters. */
    Map<String, Long> counters();

    /**
     * Creates a device page table whose TLB maintenance the core counts ({@code tlb.flush}); the
     * device lists it under a table id ({@code mm:pt}) until {@link #freePgtable} or an unplug.
     *
     * @throws accelmm.api.ErrnoException as the io-pgtable constructor: {@code EINVAL}
     */
    IoPgtable ioPgtable(long pgsizeBitmap, int ias, int oas);

    /**
     * Creates a device page table of {@code format} (a stage-2 table for an IOMMU's second stage),
     * as {@link #ioPgtable(long, int, int)} does for stage 1; the page sizes choose the granule.
     *
     * @throws accelmm.api.ErrnoException as the io-pgtable constructor: {@code EINVAL}
     */
    IoPgtable ioPgtable(accelmm.api.mmu.IoPgtableFormat format, long pgsizeBitmap, int ias, int oas);

    /** Returns the table id of a page table of this device, or -1. */
    long pgtableId(IoPgtable table);

    /** Forgets a page table of this device; a second call does nothing. */
    void freePgtable(IoPgtable table);

    /**
     * Creates a GNA flat MMU with {@code numPagetables} tables whose frames start at
     * {@code tableBasePfn}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a table count outside 1..64
     */
    GnaMmu gnaMmu(int numPagetables, long tableBasePfn);

    /**
     * Creates a VA-range allocator over {@code [start, start + size)}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad range
     */
    DrmMm drmMm(long start, long size);

    /**
     * Creates a {@code drm_buddy} manager of {@code size} bytes (unsigned; -1 is {@code U64_MAX})
     * in blocks of at least {@code chunkSize}, as a driver manages VRAM or any other range with it.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} as {@code drm_buddy_init}: a size below the
     *     chunk size, a chunk size below 4 KiB or not a power of two
     */
    accelmm.api.mmu.DrmBuddy drmBuddy(long size, long chunkSize);

    /**
     * Returns the device's address-space slots (as many as configured); the core counts steals
     * ({@code asid.steal}).
     */
    AsidSlots<Object> asidSlots();

    /**
     * Pins user pages for a file; an unpin is the returned object's, and the core unpins whatever
     * is left when the file closes or the device is unplugged.
     *
     * @throws accelmm.api.ErrnoException as {@link AddressSpace#pinUserPages}
     */
    PinnedPages pin(DeviceFile file, AddressSpace mm, long addr, int pages, int gupFlags);

    /**
     * Creates a shmem object (zeroed pages of the core) for a file's buffer; the core closes it when
     * the file is released or the device unplugged, if the driver has not.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a bad size
     */
    accelmm.api.mm.SharedFile shmem(DeviceFile file, String name, long size);

    /**
     * Pins pages of a shmem object for a file, as {@link accelmm.api.mm.SharedFile#pinPages}; the core
     * unpins what is left when the file is released or the device unplugged.
     *
     * @throws accelmm.api.ErrnoException as {@link accelmm.api.mm.SharedFile#pinPages}
     */
    PinnedPages pinShmem(DeviceFile file, accelmm.api.mm.SharedFile shmem, long first, int count);

    /**
     * Allocates blocks of the device memory ({@code drm_buddy_alloc_blocks} over node offsets
     * {@code [start, end)} with {@link accelmm.api.mm.BuddyFlags#RANGE}); the core frees what is left
     * at unplug.
     *
     * @throws accelmm.api.ErrnoException as {@link DeviceMemory#allocBlocks}; {@code ENODEV} for a
     *     device without memory
     */
    List<Block> allocBlocks(long start, long end, long size, long minBlockSize, int flags);

    /**
     * Frees blocks from {@link #allocBlocks}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for blocks this device did not allocate
     *     (nothing is freed then); {@code ENODEV} for a device without memory
     */
    void freeBlocks(List<Block> blocks);

    /**
     * Maps a table on the device's IOMMU for a file; the core unmaps what is left.
     *
     * @throws accelmm.api.ErrnoException as {@link DmaDevice#mapSg}
     */
    SgTable dmaMap(DeviceFile file, SgTable table, DmaDirection dir);

    /**
     * Unmaps a table from {@link #dmaMap}.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} if it is not mapped
     */
    void dmaUnmap(DeviceFile file, SgTable mapped);

    /**
     * Inserts an interval notifier on {@code mm} for a file; its invalidations go to the bound
     * driver. The core removes it when the file closes or the device is unplugged.
     *
     * @throws accelmm.api.ErrnoException as {@link AddressSpace#insertNotifier}
     */
    DeviceNotifier insertNotifier(DeviceFile file, AddressSpace mm, long start, long length, long cookie);

    /**
     * Returns the device's memory registered as device-private pages (registered on first use,
     * owner: this context). A CPU touch of such a page calls the bound driver's
     * {@link DeviceDriver#migrateToRam}; an unplug evicts every page to system memory first.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for a device without memory
     */
    accelmm.api.hmm.DevicePagemap devicePagemap();

    /**
     * Returns the GMEM framework. A driver that creates a GMEM device for this device
     * ({@link accelmm.api.gmem.Gmem#devCreate}) implements {@link accelmm.api.gmem.GmMmu}; a CPU touch
     * of its device pages then goes to the framework's host fault, not to {@link DeviceDriver#migrateToRam}.
     */
    accelmm.api.gmem.Gmem gmem();

    /**
     * Exports a dma-buf whose operations go to the bound driver ({@link DeviceDriver#dmaBufMap} ...).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a size below 1
     */
    DeviceExport exportDmaBuf(DeviceFile file, long size, long cookie);

    /**
     * Exports a shmem-backed object as a dma-buf ({@code drm_gem_prime_export} with the GEM-shmem
     * helpers): the core does the work. Each attachment is first offered to the bound driver
     * ({@link DeviceDriver#dmaBufAttach}, which may refuse it, as a heap BO's pin does), then pins
     * the object's pages until it detaches; a mapping is those pages mapped on the importer's
     * IOMMU; a process's {@code mmap} of the buffer maps the same pages. The export keeps the
     * object alive: the shmem moves from the file to the export, and closes when both the driver
     * has called {@link DeviceExport#objectFreed} and the buffer's last reference went (then the
     * driver hears {@link DeviceDriver#dmaBufRelease}); if the buffer goes first, the shmem goes
     * back to the file. An unplug revokes it as {@link #exportDmaBuf} does; its pages stay until
     * it is released.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a file of another device or a shmem
     *     object the core did not make for this file
     */
    DeviceExport exportShmem(DeviceFile file, accelmm.api.mm.SharedFile shmem, long cookie);

    /**
     * Imports the dma-buf behind descriptor {@code fd} of the file's process
     * ({@code drm_gem_prime_import_dev}): attaches this device's DMA device statically and maps the
     * buffer bidirectionally. The core releases it when the file closes or the device is unplugged,
     * if the driver has not. Nothing stays attached when it fails.
     *
     * <p>Context: a call; the exporter's attach and map run, which may take the exporting device's
     * lock under the buffer's reservation lock: do not hold this device's lock.
     *
     * @throws accelmm.api.ErrnoException {@code EBADF} if the descriptor is not open;
     *     {@code EINVAL} if it is not a dma-buf; the exporter's error when it refuses the attachment
     *     or the mapping; {@code ENODEV} once the file is closed
     */
    DeviceImport importDmaBuf(DeviceFile file, int fd);
}
