package accelmm.shell.dev;

import java.util.List;

import accelmm.api.device.DeviceInfo;
import accelmm.shell.format.TableRow;

/**
 * A device as {@code dev:list} shows it.
 *
 * <p>Concurrency: immutable.
 *
 * @param info the device
 */
public record DeviceRow(DeviceInfo info) implements TableRow {
    /** The column names. */
    public static final List<String> COLUMNS = List.of("DEVICE", "KIND", "DRIVER", "VERSION", "STATE", "FILES");

    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells() {
        return List.of(info.name(), info.kind(), info.driver(), info.driverVersion(), info.state(), info.openFiles());
    }
}
