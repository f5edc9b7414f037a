/**
 * Device MMU structures: the ARM LPAE io-pgtable (stage 1 and 2, three granules), the GNA flat
 * MMU, {@code drm_mm} VA allocators, {@code drm_buddy} managers and address-space slots.
 *
 * <h2>Locking</h2>
 * Each structure synchronizes on itself; a driver serializes page-table changes with its device lock.
 *
 * <h2>State it owns</h2>
 * Page-table entries, VA nodes, buddy blocks, slot owners: what a driver maps and allocates.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * IoPgtable pt = device.ioPgtable((1L << 12) | (1L << 21), 48, 48);
 * pt.mapPages(va, pa, 4096, 16, IommuProt.READ | IommuProt.WRITE);
 * long back = pt.iovaToPhys(va);
 * }</pre>
 */
package accelmm.core.mmu;
