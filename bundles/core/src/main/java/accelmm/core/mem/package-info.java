/**
 * Memory nodes: page frames with reference and pin counts, a buddy allocator with
 * {@code drm_buddy}'s semantics over them, and the frames' bytes or stamps, all in sparse segments
 * made where memory is used, so a large node that is not touched costs almost nothing.
 *
 * <h2>Locking</h2>
 * A node synchronizes allocation and reference counting on itself; page contents are read and
 * written without a lock (a page writes its own buffer in place only while it is the one holder).
 *
 * <h2>State it owns</h2>
 * Frames, free lists, per-frame counts and page data of each node.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * MemoryNode node = new MemoryNode(0, "host", NodeKind.HOST, 64L << 20, allocSite);
 * long pfn = node.allocFrame();               // one frame, reference count 1
 * node.put(pfn);                              // freed with its last reference
 * }</pre>
 */
package accelmm.core.mem;
