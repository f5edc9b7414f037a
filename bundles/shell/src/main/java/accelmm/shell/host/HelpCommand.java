package accelmm.shell.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.cli.Usage;

/**
 * {@code help}: a line per command, the commands of one scope, or one command in full, read from
 * the commands' own descriptions. The shell's {@code SCOPE} puts the {@code shell} scope first, so
 * {@code help} is this one ({@code felix:help} is Gogo's).
 *
 * <p>Concurrency: stateless; reads the service registry on each call.
 */
@Component(service = HelpCommand.class, property = {"osgi.command.scope=shell", "osgi.command.function=help"})
public final class HelpCommand {
    /** The scopes listed first, in this order; every other accelmm scope follows, then the host's. */
    static final List<String> FIRST = List.of("kmod", "mm", "dev");
    /** Scopes of the host's own bundles (Felix, Gogo, SCR, ConfigAdmin). */
    static final List<String> HOST = List.of("cm", "felix", "gogo", "scr", "shell");

    private final BundleContext context;

    /** Creates the command. */
    @Activate
    public HelpCommand(BundleContext context) {
        this.context = context;
    }

    /** Lists every accelmm command with its summary. */
    @Descriptor("list every command with a line on what it does")
    public String help() {
        Map<String, Map<String, String>> scopes = scopes();
        StringBuilder b = new StringBuilder();
        for (String scope : order(scopes.keySet())) {
            if (!HOST.contains(scope)) {
                scope(b, scope, scopes.get(scope));
            }
        }
        b.append("\nHost scopes: ").append(String.join(", ", new TreeSet<>(HOST).stream()
                .filter(scopes::containsKey).toList()))
                .append(". 'help SCOPE' lists a scope, 'help CMD' or 'CMD --help' explains a command.");
        return b.toString();
    }

    /**
     * Explains one command, or lists one scope.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} for a name that is neither, with the nearest names
     */
    @Descriptor("explain a command (help mm:mmap, help mmap) or list a scope (help kmod)")
    public String help(@Descriptor("a command, SCOPE:COMMAND or a scope") String what) {
        Map<String, Map<String, String>> scopes = scopes();
        if (scopes.containsKey(what)) {
            StringBuilder b = new StringBuilder();
            scope(b, what, scopes.get(what));
            return b.toString().stripTrailing();
        }
        List<String> matches = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> s : scopes.entrySet()) {
            for (String fn : s.getValue().keySet()) {
                if (what.equals(s.getKey() + ":" + fn) || what.equals(fn)) {
                    matches.add(s.getKey() + ":" + fn);
                }
            }
        }
        if (matches.isEmpty()) {
            List<String> all = new ArrayList<>();
            scopes.forEach((s, fns) -> fns.keySet().forEach(f -> all.add(s + ":" + f)));
            List<String> near = UnknownCommand.nearest(what, all);
            throw Errno.ENOENT.exception("no command or scope '" + what + "'"
                    + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?"));
        }
        List<String> out = new ArrayList<>();
        for (String m : matches) {
            int colon = m.indexOf(':');
            out.add(explain(m.substring(0, colon), m.substring(colon + 1)));
        }
        return String.join("\n\n", out);
    }

    private String explain(String scope, String fn) {
        for (ServiceReference<?> r : refs("(&(osgi.command.scope=" + scope + ")(osgi.command.function=" + fn + "))")) {
            Object target = context.getService(r);
            try {
                if (target != null) {
                    return Usage.help(target, scope, fn);
                }
            } finally {
                context.ungetService(r);
            }
        }
        return scope + ":" + fn;
    }

    private static void scope(StringBuilder b, String scope, Map<String, String> commands) {
        b.append(scope).append('\n');
        commands.forEach((fn, summary) -> b.append(String.format(Locale.ROOT, "  %-22s %s%n", scope + ":" + fn, summary)));
    }

    private static List<String> order(java.util.Set<String> scopes) {
        List<String> out = new ArrayList<>();
        for (String s : FIRST) {
            if (scopes.contains(s)) {
                out.add(s);
            }
        }
        for (String s : new TreeSet<>(scopes)) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Scope, then function, then its summary. */
    private Map<String, Map<String, String>> scopes() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (ServiceReference<?> r : refs("(osgi.command.function=*)")) {
            String scope = String.valueOf(r.getProperty("osgi.command.scope"));
            Object fn = r.getProperty("osgi.command.function");
            Object target = context.getService(r);
            try {
                for (String f : fn instanceof String[] a ? a : new String[] {String.valueOf(fn)}) {
                    if (!f.equals("default") && !f.equals("_main")) {
                        String summary = target == null ? "" : Usage.summary(target, f);
                        out.computeIfAbsent(scope, k -> new TreeMap<>()).merge(f, summary, (x, y) -> x.isEmpty() ? y : x);
                    }
                }
            } finally {
                context.ungetService(r);
            }
        }
        return out;
    }

    private List<ServiceReference<?>> refs(String filter) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences((String) null, filter);
            return refs == null ? List.of() : List.of(refs);
        } catch (InvalidSyntaxException e) {
            return List.of();
        }
    }
}
