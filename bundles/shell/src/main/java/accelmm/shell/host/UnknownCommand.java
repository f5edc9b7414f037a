package accelmm.shell.host;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;

/**
 * The shell's answer to a command that does not exist. Gogo calls a command named
 * {@code default} when a name resolves to nothing; this one fails with {@code ENOENT} and the
 * nearest command names, instead of Gogo's {@code CommandNotFoundException}.
 *
 * <p>Concurrency: stateless; reads the service registry on each call.
 */
@Component(service = UnknownCommand.class, property = {"osgi.command.scope=shell", "osgi.command.function=default"})
public final class UnknownCommand {
    private final BundleContext context;

    /** Creates the handler. */
    @Activate
    public UnknownCommand(BundleContext context) {
        this.context = context;
    }

    /**
     * Fails for an unknown command.
     *
     * @throws accelmm.api.ErrnoException always {@code ENOENT}, naming the command and its nearest matches
     */
    @Descriptor("answers a command that does not exist (ENOENT, with the nearest names)")
    public Object _default(@Descriptor("the command and its arguments") Object... args) {
        String name = args.length == 0 ? "" : String.valueOf(args[0]);
        List<String> near = nearest(name, commands());
        throw Errno.ENOENT.exception("no command '" + name + "'"
                + (near.isEmpty() ? ";" : "; did you mean " + String.join(" or ", near) + "?")
                + " 'help' lists every command");
    }

    /** Every registered {@code scope:function}. */
    List<String> commands() {
        TreeSet<String> out = new TreeSet<>();
        ServiceReference<?>[] refs;
        try {
            refs = context.getServiceReferences((String) null, "(osgi.command.function=*)");
        } catch (InvalidSyntaxException e) {
            return List.of();
        }
        for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
            Object scope = r.getProperty("osgi.command.scope");
            Object fn = r.getProperty("osgi.command.function");
            for (String f : fn instanceof String[] a ? a : new String[] {String.valueOf(fn)}) {
                if (!f.equals("default")) {
                    out.add(scope + ":" + f);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The commands within two edits of {@code name} (or of its function part), closest first, at most three. */
    static List<String> nearest(String name, List<String> commands) {
        String bare = name.contains(":") ? name.substring(name.indexOf(':') + 1) : name;
        List<String> out = new ArrayList<>();
        for (int d = 0; d <= 2 && out.size() < 3; d++) {
            for (String c : commands) {
                String fn = c.substring(c.indexOf(':') + 1);
                int dist = name.contains(":") ? distance(name, c) : distance(bare, fn);
                if (dist == d && !out.contains(c) && out.size() < 3) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
