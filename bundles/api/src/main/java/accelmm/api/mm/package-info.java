/**
 * Memory: nodes (host RAM, device memory) with buddy allocation of blocks.
 *
 * <h2>Semantics</h2>
 * A node's allocator follows {@code drm_buddy}: blocks are powers of two of the chunk size; an
 * allocation either takes exactly a range ({@code start + size == end}), or takes blocks largest
 * first no smaller than the minimum block size, optionally inside a range, top-down, or as one
 * contiguous block. Bad arguments are {@code EINVAL}; an allocation that does not fit is
 * {@code ENOSPC} and allocates nothing.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package accelmm.api.mm;
