package accelmm.itests.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds small bundles inside a test from classes of the test itself: a manifest plus the class
 * files, read through the test's own class loader.
 */
public final class TestBundles {
    private TestBundles() {
    }

    /**
     * Builds a bundle jar.
     *
     * @param headers manifest headers besides the manifest versions (symbolic name, version,
     *     activator, imports, exports)
     * @param classes the classes to include
     */
    public static byte[] jar(Map<String, String> headers, Class<?>... classes) {
        Manifest mf = new Manifest();
        Attributes main = mf.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        headers.forEach(main::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf)) {
            for (Class<?> c : classes) {
                String name = c.getName().replace('.', '/') + ".class";
                try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IOException("no class file for " + c.getName());
                    }
                    jar.putNextEntry(new JarEntry(name));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Returns the jar as a stream, for {@code BundleContext.installBundle}. */
    public static InputStream stream(byte[] jar) {
        return new ByteArrayInputStream(jar);
    }

    /** Writes the jar to a file (atomically, so a watcher never sees half a jar) and returns it. */
    public static Path write(byte[] jar, Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent().getParent(), "bundle", ".part");
            Files.write(tmp, jar);
            return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Headers of a bundle with an activator. */
    public static Map<String, String> activatorBundle(String bsn, String version, Class<?> activator, String imports) {
        return Map.of("Bundle-SymbolicName", bsn, "Bundle-Version", version,
                "Bundle-Activator", activator.getName(), "Import-Package", imports);
    }
}
