/**
 * DMA: scatter-gather tables ({@link accelmm.api.dma.SgTable}) built from pages with segment limits,
 * DMA-only tables for device memory, DMA devices behind IOMMUs with the PCI topology between them
 * ({@link accelmm.api.dma.Dma}), dma-buf sharing ({@link accelmm.api.dma.DmaBuf}) with a process's
 * mmap and CPU-access brackets, the system dma-buf heap ({@link accelmm.api.dma.DmaHeapIoctl}), and
 * the vgem importer ({@link accelmm.api.dma.Vgem}).
 *
 * <h2>Locking</h2>
 * Each service locks itself. A buffer's reservation lock ({@link accelmm.api.dma.DmaBuf#resv()}) is
 * held around the exporter's attach, map, unmap, pin and unpin; an exporter may take its own
 * device's lock inside, so an importer never holds its device lock while it attaches or maps.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * int heap = dma.heapOpen(proc.fds(), "system");
 * int buf = dma.heapAlloc(proc.fds(), heap, 1 << 20, Dma.O_RDWR | Dma.O_CLOEXEC, 0);
 * long va = dma.mmap(proc.fds(), buf, proc.mm(), 0, 1 << 20, Prot.READ | Prot.WRITE, MapFlags.SHARED, 0);
 * int v = vgem.open(proc.fds());
 * int handle = vgem.primeFdToHandle(proc.fds(), v, buf);   // attach and map for the vgem device
 * vgem.read(proc.fds(), v, handle, 0, bytes, 0, bytes.length);
 * }</pre>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package accelmm.api.dma;
