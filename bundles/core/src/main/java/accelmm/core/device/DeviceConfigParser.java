package accelmm.core.device;

import java.net.URI;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;
import accelmm.api.device.DeviceSpec;

/**
 * Reads one {@code accelmm.device} factory configuration (the keys of {@link DeviceConfig}) into a
 * {@link DeviceSpec}, checking every value, so that a bad file is refused with its name, the key
 * and the reason instead of half-applied.
 *
 * <p>Concurrency: stateless.
 */
final class DeviceConfigParser {
    /** The largest device memory a configuration may ask for: 192 GiB, an H200. */
    static final long MAX_MEMORY_MIB = 192L << 10;

    private static final Set<String> KEYS = Set.of("name", "kind", "memoryMiB", "pageSizes", "devicePageSize",
            "maxSegSize", "pciPosition", "properties", "asidSlots");

    private DeviceConfigParser() {
    }

    /**
     * Parses a configuration.
     *
     * @param props the configuration's properties, as ConfigAdmin delivers them
     * @param kinds the driver kinds a device may have, or null for any
     * @throws ErrnoException {@code EINVAL} naming the source, the key and what is wrong; an
     *     {@link UnknownKind} when only the kind is unknown
     */
    static DeviceSpec parse(Map<String, ?> props, Collection<String> kinds) {
        String where = source(props);
        for (String key : props.keySet()) {
            // Dotted keys are the framework's (service.pid, component.name, felix.fileinstall.*, osgi.ds.*).
            if (!KEYS.contains(key) && !key.contains(".")) {
                throw bad(where, key, "unknown key; a device takes " + String.join(", ", new java.util.TreeSet<>(KEYS)));
            }
        }
        String name = text(props, where, "name", null);
        if (name == null || name.isBlank()) {
            throw bad(where, "name", "missing; every device needs a name, e.g. name = npu1");
        }
        if (!name.matches("[A-Za-z][A-Za-z0-9_.-]{0,31}")) {
            throw bad(where, "name", "'" + name + "' is not a device name (a letter, then up to 31 letters, digits, '_', '.', '-')");
        }
        String kind = text(props, where, "kind", null);
        if (kind == null || kind.isBlank()) {
            throw bad(where, "kind", "missing; one of " + String.join(", ", kinds));
        }
        if (kinds != null && !kinds.contains(kind)) {
            throw new UnknownKind(where, kind, kinds);
        }
        long memoryMiB = number(props, where, "memoryMiB", 0, 0, MAX_MEMORY_MIB);
        long pageSizes = 0;
        for (String s : text(props, where, "pageSizes", "4k,2m,1g").split(",")) {
            pageSizes |= size(where, "pageSizes", s.trim());
        }
        long devicePageSize = size(where, "devicePageSize", text(props, where, "devicePageSize", "4k").trim());
        long maxSeg = number(props, where, "maxSegSize", 65536, 1, Long.MAX_VALUE);
        int slots = (int) number(props, where, "asidSlots", 8, 1, 64);
        String pci = text(props, where, "pciPosition", "").trim();
        Map<String, String> settings = new TreeMap<>();
        for (String kv : list(props.get("properties"))) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw bad(where, "properties", "'" + kv + "' is not key=value");
            }
            settings.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return new DeviceSpec(name.trim(), kind.trim(), memoryMiB << 20, pageSizes, devicePageSize, maxSeg,
                pci.isEmpty() ? null : pci, slots, settings);
    }

    /** The file a configuration came from (FileInstall's {@code felix.fileinstall.filename}), else its PID. */
    static String source(Map<String, ?> props) {
        Object file = props.get("felix.fileinstall.filename");
        if (file != null) {
            try {
                return Path.of(URI.create(file.toString())).toString();
            } catch (RuntimeException e) {
                return file.toString();
            }
        }
        Object pid = props.get("service.pid");
        return "configuration " + (pid == null ? "accelmm.device" : pid);
    }

    /** Parses {@code 4k}, {@code 2m}, {@code 1g} or a number of bytes: a power of two. */
    static long size(String where, String key, String s) {
        String t = s.toLowerCase(Locale.ROOT);
        int shift = t.endsWith("k") ? 10 : t.endsWith("m") ? 20 : t.endsWith("g") ? 30 : 0;
        long n;
        try {
            n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
            throw bad(where, key, "'" + s + "' is not 4k, 2m, 1g or a number of bytes");
        }
        if (n <= 0 || n > (Long.MAX_VALUE >> shift) || Long.bitCount(n << shift) != 1) {
            throw bad(where, key, "size " + s + " is not a power of two");
        }
        return n << shift;
    }

    private static String text(Map<String, ?> props, String where, String key, String absent) {
        Object v = props.get(key);
        if (v == null) {
            return absent;
        }
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        throw bad(where, key, "takes one value, not a list");
    }

    private static long number(Map<String, ?> props, String where, String key, long absent, long min, long max) {
        Object v = props.get(key);
        if (v == null) {
            return absent;
        }
        long n;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else {
            String s = text(props, where, key, null).trim();
            try {
                n = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw bad(where, key, "'" + s + "' is not a whole number");
            }
        }
        if (n < min || n > max) {
            throw bad(where, key, n + " is out of range (" + min + " to " + max + ")");
        }
        return n;
    }

    private static List<String> list(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String[] a) {
            return List.of(a);
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        String s = v.toString().trim();
        return s.isEmpty() ? List.of() : List.of(s.split("\\s*,\\s*"));
    }

    /** A configuration that is right but for a kind no driver has registered (yet). */
    static final class UnknownKind extends ErrnoException {
        private static final long serialVersionUID = 1L;

        private final String kind;

        UnknownKind(String where, String kind, Collection<String> known) {
            super(Errno.EINVAL, where + ": kind: no driver kind '" + kind + "'; one of " + String.join(", ", known)
                    + " (the device is created if a driver of kind '" + kind + "' registers)");
            this.kind = kind;
        }

        String kind() {
            return kind;
        }
    }

    private static ErrnoException bad(String where, String key, String why) {
        return Errno.EINVAL.exception(where + ": " + key + ": " + why);
    }
}
