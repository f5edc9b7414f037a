package accelmm.api.cli;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import accelmm.api.Errno;

/**
 * Usage text of shell commands, read from the command object's methods and their Gogo
 * {@code @Descriptor} and {@code @Parameter} annotations (by name, so the api needs no Gogo),
 * and the answer to arguments that no method of a command takes.
 *
 * <p>Gogo calls a command object's {@code _main(Object...)} method, with the command name first,
 * when no method of that name accepts the arguments. Every scope has one that calls
 * {@link #fallback}: {@code CMD --help} prints the usage, anything else is {@code EINVAL} with it.
 *
 * <p>Concurrency: stateless.
 */
public final class Usage {
    private static final String DESCRIPTOR = "org.apache.felix.service.command.Descriptor";
    private static final String PARAMETER = "org.apache.felix.service.command.Parameter";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";

    private Usage() {
    }

    /**
     * Answers a call that no method took.
     *
     * @param target the command object
     * @param scope its scope, e.g. {@code mm}
     * @param args the command name, then its arguments, as Gogo passes them to {@code _main}
     * @return the usage, for {@code --help} or {@code -h}
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public static String fallback(Object target, String scope, Object... args) {
        String name = args.length == 0 ? "" : String.valueOf(args[0]);
        List<Object> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        if (rest.contains("--help") || rest.contains("-h")) {
            return help(target, scope, name);
        }
        List<Method> methods = methods(target, name);
        if (methods.isEmpty()) {
            throw Errno.ENOENT.exception("no command '" + scope + ":" + name + "'; 'help " + scope + "' lists the scope");
        }
        StringBuilder b = new StringBuilder(scope + ":" + name + ": ");
        b.append(rest.isEmpty() ? "missing arguments" : "wrong arguments " + rest);
        for (Method m : methods) {
            b.append("\n  usage: ").append(line(scope, name, m));
        }
        b.append("\n  'help ").append(scope).append(':').append(name).append("' explains each argument");
        throw Errno.EINVAL.exception(b.toString());
    }

    /** The one-line summary of a command: its first descriptor. */
    public static String summary(Object target, String name) {
        for (Method m : methods(target, name)) {
            String d = descriptor(m.getAnnotations());
            if (d != null) {
                return d;
            }
        }
        return "";
    }

    /** The full help of a command: summary, a usage line per form, and every option and argument. */
    public static String help(Object target, String scope, String name) {
        StringBuilder b = new StringBuilder();
        b.append(scope).append(':').append(name);
        String summary = summary(target, name);
        if (!summary.isEmpty()) {
            b.append(" - ").append(summary);
        }
        for (Method m : methods(target, name)) {
            b.append("\nusage: ").append(line(scope, name, m));
            String d = descriptor(m.getAnnotations());
            if (d != null && !d.equals(summary)) {
                b.append("\n  ").append(d);
            }
            for (Parameter p : params(m)) {
                Annotation opt = find(p.getAnnotations(), PARAMETER);
                String what = descriptor(p.getAnnotations());
                String label = opt == null ? argName(p) : String.join(", ", names(opt));
                String dflt = opt == null || isFlag(opt) ? "" : absent(opt);
                b.append(String.format(Locale.ROOT, "%n  %-22s %s", label, what == null ? "" : what))
                        .append(dflt.isEmpty() || (what != null && what.contains("default")) ? "" : " (default " + dflt + ")");
            }
        }
        return b.toString();
    }

    /** {@code mm:mmap [-p VALUE] [-s] PID LENGTH}. */
    static String line(String scope, String name, Method m) {
        StringBuilder b = new StringBuilder(scope + ":" + name);
        for (Parameter p : params(m)) {
            Annotation opt = find(p.getAnnotations(), PARAMETER);
            if (opt != null) {
                List<String> n = names(opt);
                String longest = n.stream().max(Comparator.comparingInt(String::length)).orElse("?");
                b.append(" [").append(longest).append(isFlag(opt) ? "" : " " + argName(p)).append(']');
            } else if (p.isVarArgs()) {
                b.append(" [").append(argName(p)).append("...]");
            } else {
                b.append(' ').append(argName(p));
            }
        }
        return b.toString();
    }

    private static List<Method> methods(Object target, String name) {
        List<Method> out = new ArrayList<>();
        String javaName = name.equals("default") ? "_default" : name.replace('-', '_');
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(javaName) && Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparingInt(Method::getParameterCount));
        return out;
    }

    private static List<Parameter> params(Method m) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : m.getParameters()) {
            if (!p.getType().getName().equals(SESSION)) {
                out.add(p);
            }
        }
        return out;
    }

    private static String argName(Parameter p) {
        String n = p.isNamePresent() ? p.getName() : p.getType().getSimpleName();
        return n.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static Annotation find(Annotation[] as, String type) {
        for (Annotation a : as) {
            if (a.annotationType().getName().equals(type)) {
                return a;
            }
        }
        return null;
    }

    private static String descriptor(Annotation[] as) {
        Annotation d = find(as, DESCRIPTOR);
        return d == null ? null : (String) value(d, "value");
    }

    private static List<String> names(Annotation opt) {
        return Arrays.asList((String[]) value(opt, "names"));
    }

    private static boolean isFlag(Annotation opt) {
        Object present = value(opt, "presentValue");
        return present != null && !present.toString().startsWith("org.apache.felix.service.command.");
    }

    private static String absent(Annotation opt) {
        Object v = value(opt, "absentValue");
        String s = v == null ? "" : v.toString();
        return s.startsWith("org.apache.felix.service.command.") ? "" : s;
    }

    private static Object value(Annotation a, String member) {
        try {
            return a.annotationType().getMethod(member).invoke(a);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
