package accelmm.shell.mm;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.cli.Args;
import accelmm.api.cli.Usage;
import accelmm.api.Errno;
import accelmm.api.idr.IdrRegistry;
import accelmm.api.idr.RegistryEntry;
import accelmm.api.idr.RegistryInfo;
import accelmm.shell.format.Rows;

/**
 * Commands for the core memory manager (scope {@code mm}).
 *
 * <p>Concurrency: each command runs on the caller's thread; the services lock themselves.
 */
@Component(service = MmCommands.class, property = {
    "osgi.command.scope=mm",
    "osgi.command.function=idr"
})
public final class MmCommands {
    /** The default number of entries {@code mm:idr NAME} shows. */
    static final int DEFAULT_LIMIT = 100;

    private final IdrRegistry registry;

    /** Creates the commands over the core's registry service. */
    @Activate
    public MmCommands(@Reference IdrRegistry registry) {
        this.registry = registry;
    }

    /** Lists every ID registry with owner, name, kind, base and count. */
    @Descriptor("list the ID registries (IDR, IDA, XArray) with owner, name and count")
    public List<RegistryRow> idr() {
        List<RegistryRow> rows = new Rows<>(RegistryRow.COLUMNS);
        for (RegistryInfo info : registry.list()) {
            rows.add(new RegistryRow(info));
        }
        return rows;
    }

    /**
     * Lists the entries of one registry.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} if the name is not {@code owner/name} or the
     *     limit is negative; {@code ENOENT} if there is no such registry
     */
    @Descriptor("list the entries of one registry")
    public List<EntryRow> idr(
            @Descriptor("the most entries to show") @Parameter(names = {"-l", "--limit"},
                    absentValue = "" + DEFAULT_LIMIT) String limit,
            @Descriptor("the registry, as owner/name") String name) {
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1) {
            throw Errno.EINVAL.exception("registry name '" + name + "' is not owner/name");
        }
        List<EntryRow> rows = new Rows<>(EntryRow.COLUMNS);
        for (RegistryEntry e : registry.entries(name.substring(0, slash), name.substring(slash + 1),
                Args.integer("limit", limit, 0, Integer.MAX_VALUE))) {
            rows.add(new EntryRow(e));
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
