/**
 * Memory: nodes (host RAM, device memory) with buddy allocation of blocks, processes' address
 * spaces ({@link accelmm.api.mm.AddressSpace}), and page contents as bytes or as
 * {@link accelmm.api.mm.Stamps}.
 *
 * <h2>Overview</h2>
 * A node costs metadata for what is used of it, so a host of up to 1 TiB and devices of up to
 * 192 GiB start as fast as small ones. A page holds either its 4096 bytes or a 64-bit stamp that
 * stands for them; every byte path reads a stamped page as the stamp's expansion, and copies and
 * migrations carry the stamp, so a large working set can be simulated with every page checked.
 * When the host runs full, a CPU access, populate, pin or HMM fault first asks the registered
 * {@link accelmm.api.mm.Shrinker}s (drivers' purgeable objects) for pages and tries again, as direct
 * reclaim does. {@link accelmm.api.mm.AddressSpace#madvise} keeps huge-page advice per mapping.
 * {@link accelmm.api.mm.MapFlags#HUGETLB} mappings and hugetlbfs files
 * ({@link accelmm.api.mm.MemoryManager#createHugetlbFile}) use a pool of 2 MiB pages with
 * reservations made at mmap ({@link accelmm.api.mm.HugetlbInfo}); they split only at 2 MiB and
 * never migrate.
 *
 * <h2>Locking</h2>
 * {@link accelmm.api.mm.AddressSpace} calls take the address space's mmap lock and page-table
 * lock themselves (see their javadoc); {@link accelmm.api.mm.MemoryManager} physical accesses take
 * only the node's lock, as a DMA engine does. Neither may be called holding a lock an invalidation
 * callback takes. Shrinkers run on the allocating thread after the address space dropped its
 * locks, but possibly inside a caller's own locks: they only try locks.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * long a = p.mm().mmap(0, 1 << 20, Prot.READ | Prot.WRITE, MapFlags.PRIVATE | MapFlags.ANONYMOUS);
 * p.mm().writeStamps(a, new long[] {Stamps.of(1), Stamps.of(2)}, 0, 2);
 * long[] seen = new long[2];
 * p.mm().readStamps(a, seen, 0, 2);   // the same two stamps
 * }</pre>
 *
 * <h2>Semantics</h2>
 * A node's allocator follows {@code drm_buddy}: blocks are powers of two of the chunk size; an
 * allocation either takes exactly a range ({@code start + size == end}), or takes blocks largest
 * first no smaller than the minimum block size, optionally inside a range, top-down, or as one
 * contiguous block. Bad arguments are {@code EINVAL}; an allocation that does not fit is
 * {@code ENOSPC} and allocates nothing.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.6.0")
package accelmm.api.mm;
