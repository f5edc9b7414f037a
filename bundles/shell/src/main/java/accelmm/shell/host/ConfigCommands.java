package accelmm.shell.host;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import accelmm.api.Errno;
import accelmm.api.cli.Usage;

/**
 * Configurations, as Karaf's {@code config} scope offers them: {@code config:list} every
 * configuration (PID, the file in {@code deploy/} it came from, its properties),
 * {@code config:edit PID} one of them, {@code config:property-set PID KEY VALUE} to change one
 * property and {@code config:property-delete PID KEY} to remove one. A change goes to
 * ConfigAdmin, never into the user's file: the file keeps what the user wrote, and its next edit
 * replaces the configuration again.
 *
 * <p>Concurrency: ConfigAdmin serializes updates; each command runs on the caller's thread.
 */
@Component(service = ConfigCommands.class, property = {"osgi.command.scope=config", "osgi.command.function=list",
    "osgi.command.function=edit", "osgi.command.function=property-set", "osgi.command.function=property-delete"})
public final class ConfigCommands {
    private static final String FILE = "felix.fileinstall.filename";

    private final ConfigurationAdmin cm;

    /** Creates the commands. */
    @Activate
    public ConfigCommands(@Reference ConfigurationAdmin cm) {
        this.cm = cm;
    }

    /**
     * Lists every configuration.
     *
     * @throws accelmm.api.ErrnoException {@code EIO} if ConfigAdmin cannot be read
     */
    @Descriptor("list every configuration: PID, the deploy/ file it came from, and its properties")
    public String list() {
        List<String> out = new ArrayList<>();
        for (Configuration c : all(null)) {
            out.add(describe(c));
        }
        return out.isEmpty() ? "(no configurations)" : String.join("\n\n", out);
    }

    /**
     * Shows one configuration and how to change it.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown PID
     */
    @Descriptor("show one configuration (by PID, or a factory PID's name as in accelmm.device~npu1) and how to change it")
    public String edit(@Descriptor("the configuration's PID") String pid) {
        Configuration c = find(pid);
        Object file = c.getProperties() == null ? null : c.getProperties().get(FILE);
        return describe(c) + "\n\nchange a property: config:property-set " + c.getPid() + " KEY VALUE"
                + (file == null ? "" : "; or edit " + fileOf(file) + " (the file is read, never written)");
    }

    /**
     * Sets one property of a configuration (creating the configuration for a new PID).
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for a key the framework owns; {@code EIO} if the update fails
     */
    @Descriptor("set one property of a configuration; the components using it are updated (the deploy/ file is not)")
    public String property_set(@Descriptor("the configuration's PID") String pid, @Descriptor("property name") String key,
            @Descriptor("new value") String value) {
        if (key.startsWith("service.") || key.startsWith("felix.") || key.startsWith("component.")) {
            throw Errno.EINVAL.exception("'" + key + "' belongs to the framework; a configuration's own keys have no such prefix");
        }
        Configuration c;
        try {
            c = find(pid);
        } catch (accelmm.api.ErrnoException e) {
            try {
                c = cm.getConfiguration(pid, "?");
            } catch (IOException io) {
                throw Errno.EIO.exception("cannot create configuration " + pid + ": " + io.getMessage());
            }
        }
        Dictionary<String, Object> props = c.getProperties() == null ? new java.util.Hashtable<>() : c.getProperties();
        props.put(key, value);
        try {
            c.update(props);
        } catch (IOException e) {
            throw Errno.EIO.exception("cannot update " + pid + ": " + e.getMessage());
        }
        return c.getPid() + ": " + key + " = " + value;
    }

    /**
     * Removes one property of a configuration.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for an unknown PID or key
     */
    @Descriptor("remove one property of a configuration")
    public String property_delete(@Descriptor("the configuration's PID") String pid, @Descriptor("property name") String key) {
        Configuration c = find(pid);
        Dictionary<String, Object> props = c.getProperties();
        if (props == null || props.get(key) == null) {
            throw Errno.ENOENT.exception(pid + " has no property '" + key + "'");
        }
        props.remove(key);
        try {
            c.update(props);
        } catch (IOException e) {
            throw Errno.EIO.exception("cannot update " + pid + ": " + e.getMessage());
        }
        return c.getPid() + ": " + key + " removed";
    }

    private Configuration find(String pid) {
        for (Configuration c : all(null)) {
            if (c.getPid().equals(pid) || (c.getFactoryPid() != null && pid.equals(c.getFactoryPid() + "~" + name(c)))) {
                return c;
            }
        }
        throw Errno.ENOENT.exception("no configuration " + pid + "; config:list shows them");
    }

    private static String name(Configuration c) {
        Object file = c.getProperties() == null ? null : c.getProperties().get(FILE);
        if (file == null) {
            return c.getPid();
        }
        String f = fileOf(file);
        String base = f.substring(f.lastIndexOf('/') + 1).replaceAll("\\.(cfg|config)$", "");
        return base.contains("-") ? base.substring(base.indexOf('-') + 1) : base;
    }

    private List<Configuration> all(String filter) {
        try {
            Configuration[] cs = cm.listConfigurations(filter);
            List<Configuration> out = new ArrayList<>(cs == null ? List.of() : List.of(cs));
            Collections.sort(out, (a, b) -> a.getPid().compareTo(b.getPid()));
            return out;
        } catch (IOException | InvalidSyntaxException e) {
            throw Errno.EIO.exception("cannot list configurations: " + e.getMessage());
        }
    }

    private static String describe(Configuration c) {
        StringBuilder b = new StringBuilder("pid ").append(c.getPid());
        if (c.getFactoryPid() != null) {
            b.append("  (factory ").append(c.getFactoryPid()).append(')');
        }
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            return b.append("\n  (no properties yet)").toString();
        }
        Object file = props.get(FILE);
        if (file != null) {
            b.append("\n  file ").append(fileOf(file));
        }
        TreeMap<String, Object> sorted = new TreeMap<>();
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            if (!k.equals(FILE) && !k.startsWith("service.")) {
                sorted.put(k, props.get(k));
            }
        }
        sorted.forEach((k, v) -> b.append("\n  ").append(k).append(" = ")
                .append(v instanceof Object[] a ? String.join(", ", java.util.Arrays.stream(a).map(String::valueOf).toList()) : v));
        return b.toString();
    }

    private static String fileOf(Object file) {
        String f = file.toString();
        try {
            return f.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(f)).toString() : f;
        } catch (RuntimeException e) {
            return f;
        }
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        // Gogo finds no Java method named property-set: call it here, by its kernel-style name.
        String name = args.length == 0 ? "" : String.valueOf(args[0]);
        if (name.equals("property-set") && args.length == 4 && !"--help".equals(args[1])) {
            return property_set(String.valueOf(args[1]), String.valueOf(args[2]), String.valueOf(args[3]));
        }
        if (name.equals("property-delete") && args.length == 3 && !"--help".equals(args[1])) {
            return property_delete(String.valueOf(args[1]), String.valueOf(args[2]));
        }
        return Usage.fallback(this, "config", args);
    }
}
