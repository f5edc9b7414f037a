package accelmm.shell.kmod;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

/**
 * A module jar read from a path or URL before the framework sees it, so that a missing file, a
 * directory, an unreachable URL or a file that is not a bundle each get an errno and a sentence
 * instead of a Java exception.
 *
 * <p>Concurrency: immutable once read.
 *
 * @param location the URL the module is installed from
 * @param bytes the jar's bytes
 * @param symbolicName its {@code Bundle-SymbolicName}, without directives
 * @param version its {@code Bundle-Version}
 */
record ModuleJar(String location, byte[] bytes, String symbolicName, Version version) {
    /** The schemes a module can be read from. */
    static final String SCHEMES = "file:, http:, https:, jar:";

    /** Opens the jar's bytes. */
    InputStream open() {
        return new ByteArrayInputStream(bytes);
    }

    /**
     * Reads a module jar.
     *
     * @param where a path or a URL
     * @throws ErrnoException {@code ENOENT} for a missing file, {@code EISDIR} for a directory,
     *     {@code EINVAL} for a location that is not a path or a URL that can be read, {@code EIO}
     *     when it cannot be fetched, {@code ENOEXEC} when it is not a bundle jar
     */
    static ModuleJar read(String where) {
        String url = toUrl(where);
        byte[] bytes;
        try (InputStream in = URI.create(url).toURL().openStream()) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw Errno.ENOENT.exception("no module at " + where);
        } catch (UnknownHostException e) {
            throw Errno.EIO.exception("cannot fetch " + where + ": unknown host " + e.getMessage());
        } catch (java.net.ConnectException e) {
            throw Errno.EIO.exception("cannot fetch " + where + ": connection refused");
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw Errno.EINVAL.exception("'" + where + "' is not a file or a URL that can be read (" + SCHEMES + ")");
        } catch (IOException e) {
            throw Errno.EIO.exception("cannot fetch " + where + ": " + (e.getMessage() == null ? "I/O error" : e.getMessage()));
        }
        Manifest mf;
        try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(bytes))) {
            mf = jar.getManifest();
        } catch (IOException e) {
            throw notABundle(where, "not a jar (" + e.getMessage() + ")");
        }
        if (mf == null) {
            throw notABundle(where, "a jar without a manifest");
        }
        String bsn = mf.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (bsn == null || bsn.isBlank()) {
            throw notABundle(where, "a jar without Bundle-SymbolicName");
        }
        String name = bsn.split(";")[0].trim();
        Version version;
        try {
            version = Version.parseVersion(mf.getMainAttributes().getValue(Constants.BUNDLE_VERSION));
        } catch (IllegalArgumentException e) {
            throw notABundle(where, "a bundle with a bad Bundle-Version (" + e.getMessage() + ")");
        }
        return new ModuleJar(url, bytes, name, version);
    }

    private static ErrnoException notABundle(String where, String what) {
        return Errno.ENOEXEC.exception(where + " is not a module: " + what);
    }

    /**
     * A path or URL as a URL.
     *
     * @throws ErrnoException {@code EINVAL} for nothing, {@code ENOENT} for a missing file,
     *     {@code EISDIR} for a directory, {@code EINVAL} for a scheme that cannot be read
     */
    static String toUrl(String location) {
        if (location == null || location.isBlank()) {
            throw Errno.EINVAL.exception("no location given");
        }
        if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !location.matches("^[a-zA-Z]:\\\\.*")) {
            String scheme = location.substring(0, location.indexOf(':')).toLowerCase(Locale.ROOT);
            if (!(scheme.equals("file") || scheme.equals("http") || scheme.equals("https") || scheme.equals("jar"))) {
                throw Errno.EINVAL.exception("'" + location + "' is not a file or a URL that can be read (" + SCHEMES + ")");
            }
            try {
                URL u = URI.create(location).toURL();
                if (scheme.equals("file")) {
                    return checkFile(new File(u.toURI())).toURI().toString();
                }
                return u.toString();
            } catch (MalformedURLException | IllegalArgumentException | java.net.URISyntaxException e) {
                throw Errno.EINVAL.exception("'" + location + "' is not a valid URL: " + e.getMessage());
            }
        }
        return checkFile(new File(location).getAbsoluteFile()).toURI().toString();
    }

    private static File checkFile(File f) {
        if (f.isDirectory()) {
            throw Errno.EISDIR.exception(f + " is a directory; a module is a jar file");
        }
        if (!f.isFile()) {
            throw Errno.ENOENT.exception("no file " + f);
        }
        return f;
    }
}
