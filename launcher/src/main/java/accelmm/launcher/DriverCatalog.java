package accelmm.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The driver bundles in a drivers folder, by name: {@code accelmm-driver-gna.jar} is {@code gna}.
 *
 * <p>Concurrency: immutable after construction.
 */
public final class DriverCatalog {
    private final Path folder;
    private final List<String> names;

    /** Reads the folder; a missing folder has no drivers. */
    public DriverCatalog(Path folder) throws IOException {
        this.folder = folder;
        List<String> found = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith(HostLayout.DRIVER_PREFIX) && n.endsWith(".jar"))
                        .map(n -> n.substring(HostLayout.DRIVER_PREFIX.length(), n.length() - 4))
                        .sorted()
                        .forEach(found::add);
            }
        }
        this.names = List.copyOf(found);
    }

    /** Returns the known driver names, sorted. */
    public List<String> names() {
        return names;
    }

    /**
     * Resolves a {@code --drivers} value to jar paths.
     *
     * @throws Options.UsageException for an unknown name, listing the known ones
     */
    public List<Path> select(List<String> requested) {
        if (requested.size() == 1 && requested.get(0).equals("none")) {
            return List.of();
        }
        List<String> chosen = requested.size() == 1 && requested.get(0).equals("all") ? names : requested;
        List<Path> jars = new ArrayList<>();
        for (String name : chosen) {
            if (!names.contains(name)) {
                throw new Options.UsageException("unknown driver '" + name + "'; known drivers: "
                        + (names.isEmpty() ? "none are built yet" : String.join(", ", names))
                        + " (or 'all', 'none')");
            }
            Path jar = jarOf(name);
            if (!jars.contains(jar)) {
                jars.add(jar);
            }
        }
        return jars;
    }

    /** Returns the jar of a driver name. */
    public Path jarOf(String name) {
        return folder.resolve(HostLayout.DRIVER_PREFIX + name + ".jar");
    }
}
