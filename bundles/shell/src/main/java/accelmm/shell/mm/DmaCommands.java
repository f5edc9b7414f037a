package accelmm.shell.mm;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.ErrnoException;
import accelmm.api.dma.Dma;
import accelmm.api.dma.DmaBufInfo;
import accelmm.shell.format.Rows;

/**
 * DMA commands (scope {@code mm}): the DMA devices and the live dma-bufs.
 *
 * <p>Concurrency: each command runs on the caller's thread; the service locks itself.
 */
@Component(service = DmaCommands.class, property = {
    "osgi.command.scope=mm",
    "osgi.command.function=dma",
    "osgi.command.function=dmabuf"
})
public final class DmaCommands {
    private final Dma dma;

    /** Creates the commands over the DMA service. */
    @Activate
    public DmaCommands(@Reference Dma dma) {
        this.dma = dma;
    }

    /** Lists the DMA devices. */
    @Descriptor("list DMA devices: largest segment, tables mapped, IOMMU faults")
    public List<DmaDeviceRow> dma() {
        Rows<DmaDeviceRow> rows = new Rows<>(DmaDeviceRow.COLUMNS);
        for (String name : dma.devices()) {
            try {
                rows.add(new DmaDeviceRow(dma.device(name)));
            } catch (ErrnoException e) {
                // removed while listing
            }
        }
        return rows;
    }

    /** Lists the live dma-bufs. */
    @Descriptor("list dma-bufs: exporter, size, file references, pins, mappings, attached devices")
    public List<DmaBufRow> dmabuf() {
        Rows<DmaBufRow> rows = new Rows<>(DmaBufRow.COLUMNS);
        for (DmaBufInfo b : dma.bufs()) {
            rows.add(new DmaBufRow(b));
        }
        return rows;
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "mm", args);
    }
}
