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

    /**
     * Leaves out the built-in drivers that a jar in the deploy folder replaces (the same
     * {@code Bundle-SymbolicName}), so that FileInstall installs the user's jar instead of
     * updating the built-in one on every start.
     *
     * @return the drivers to install, and for each one left out a sentence saying so
     */
    public static Selection withoutDeployed(List<Path> drivers, Path deploy) {
        List<String> deployed = new ArrayList<>();
        List<String> deployedFiles = new ArrayList<>();
        if (Files.isDirectory(deploy)) {
            try (Stream<Path> files = Files.list(deploy)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    String bsn = symbolicName(f);
                    if (bsn != null) {
                        deployed.add(bsn);
                        deployedFiles.add(f.toString());
                    }
                }
            } catch (IOException e) {
                return new Selection(drivers, List.of());
            }
        }
        List<Path> kept = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Path d : drivers) {
            String bsn = symbolicName(d);
            int i = bsn == null ? -1 : deployed.indexOf(bsn);
            if (i >= 0) {
                notes.add(deployedFiles.get(i) + " is " + bsn + "; it is used instead of the built-in driver");
            } else {
                kept.add(d);
            }
        }
        return new Selection(kept, notes);
    }

    /** The drivers to install, and why any were left out. */
    public record Selection(List<Path> drivers, List<String> notes) {
    }

    /** A jar's {@code Bundle-SymbolicName} without directives, or null if it has none or cannot be read. */
    static String symbolicName(Path jar) {
        try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest mf = f.getManifest();
            String v = mf == null ? null : mf.getMainAttributes().getValue("Bundle-SymbolicName");
            return v == null ? null : v.split(";")[0].trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** Returns the jar of a driver name. */
    public Path jarOf(String name) {
        return folder.resolve(HostLayout.DRIVER_PREFIX + name + ".jar");
    }
}
