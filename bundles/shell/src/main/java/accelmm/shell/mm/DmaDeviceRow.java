package accelmm.shell.mm;

import java.util.List;

import accelmm.api.dma.DmaDevice;
import accelmm.shell.format.TableRow;

/**
 * A DMA device as {@code mm:dma} lists it.
 *
 * <p>Concurrency: the cells are read once, at construction.
 *
 * @param name the device
 * @param maxSegSize its largest DMA segment
 * @param mappings tables mapped now
 * @param faults IOMMU faults taken
 */
public record DmaDeviceRow(String name, long maxSegSize, int mappings, long faults) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("DEVICE", "MAX-SEG", "MAPPINGS", "IOMMU-FAULTS");

    /** Reads a device's figures. */
    public DmaDeviceRow(DmaDevice d) {
        this(d.name(), d.maxSegSize(), d.mappings(), d.iommuFaults());
    }

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(name, maxSegSize, mappings, faults);
    }
}
