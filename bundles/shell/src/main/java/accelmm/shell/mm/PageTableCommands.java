package accelmm.shell.mm;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Usage;
import accelmm.api.cli.Args;
import accelmm.api.device.Devices;

/**
 * Device page-table commands (scope {@code mm}): the page tables of a device and the walk of one
 * address.
 *
 * <p>Concurrency: each command runs on the caller's thread; the tables lock themselves.
 */
@Component(service = PageTableCommands.class, property = {"osgi.command.scope=mm", "osgi.command.function=pt"})
public final class PageTableCommands {
    private final Devices devices;

    /** Creates the commands over the device service. */
    @Activate
    public PageTableCommands(@Reference Devices devices) {
        this.devices = devices;
    }

    /**
     * Lists a device's page tables.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device
     */
    @Descriptor("list the page tables of a device by id")
    public List<String> pt(@Descriptor("device name") String device) {
        List<String> out = new ArrayList<>();
        for (long id : devices.pgtables(device)) {
            out.add("table " + id);
        }
        return out;
    }

    /**
     * Walks a device address in one page table: one line per level.
     *
     * @throws accelmm.api.ErrnoException {@code ENODEV} for an unknown device; {@code ENOENT} for an
     *     unknown table; {@code EINVAL} for a bad address
     */
    @Descriptor("walk a device virtual address in a page table of a device, one line per level")
    public List<String> pt(@Descriptor("device name") String device, @Descriptor("table id (from mm:pt DEVICE)") String table,
            @Descriptor("device virtual address, hex (0x...) or decimal") String va) {
        return devices.walk(device, Args.number("table", table, 0, Long.MAX_VALUE), Args.address(va));
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
