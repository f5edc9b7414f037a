package accelmm.shell.host;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import accelmm.api.Errno;
import accelmm.api.cli.Args;
import accelmm.api.cli.Usage;

/**
 * The host's log, as Karaf's {@code log} scope offers it: {@code log:display} the kept lines,
 * {@code log:tail} to follow them, {@code log:set} to change the level of every logger at once.
 * The lines are those the launcher keeps of standard error (its {@code accelmm.host.log}
 * service); without the launcher there is no log to show.
 *
 * <p>Concurrency: stateless; {@code log:set} changes the loggers' levels, which they read on each call.
 */
@Component(service = LogCommands.class, property = {"osgi.command.scope=log", "osgi.command.function=display",
    "osgi.command.function=tail", "osgi.command.function=set"})
public final class LogCommands {
    /** The levels, most severe first, as SLF4J Simple numbers them. */
    static final Map<String, Integer> LEVELS = Map.of("error", 40, "warn", 30, "info", 20, "debug", 10, "trace", 0);

    private final BundleContext context;

    /** Creates the commands. */
    @Activate
    public LogCommands(BundleContext context) {
        this.context = context;
    }

    @SuppressWarnings("unchecked")
    private List<String> lines() {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(Supplier.class.getName(), "(accelmm.host.log=true)");
            if (refs == null) {
                throw Errno.ENOENT.exception("this host keeps no log (it is kept when accelmm starts through its launcher)");
            }
            Object log = context.getService(refs[0]);
            try {
                return (List<String>) ((Supplier<?>) log).get();
            } finally {
                context.ungetService(refs[0]);
            }
        } catch (InvalidSyntaxException e) {
            throw Errno.EINVAL.exception(e.getMessage());
        }
    }

    /**
     * Shows the last lines of the host's log.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} when the host keeps no log; {@code EINVAL} for a bad count
     */
    @Descriptor("show the host's log: what its modules wrote to standard error (warnings, errors, refused configurations)")
    public String display(@Descriptor("how many of the last lines (default all kept, up to 10000)") @Parameter(names = {"-n", "--lines"},
            absentValue = "10000") String lines) {
        List<String> all = lines();
        int n = Args.integer("lines", lines, 1, Integer.MAX_VALUE);
        List<String> last = all.subList(Math.max(0, all.size() - n), all.size());
        return last.isEmpty() ? "(the log is empty)" : String.join("\n", last);
    }

    /**
     * Shows the last lines of the host's log and follows it: new lines are printed as they come,
     * until Ctrl-C or, with {@code --seconds}, until that many seconds have passed. Without a
     * terminal and without {@code --seconds} it only shows the last lines.
     *
     * @throws accelmm.api.ErrnoException {@code ENOENT} when the host keeps no log
     */
    @Descriptor("show the last lines of the host's log and follow it until Ctrl-C (or --seconds)")
    public String tail(@Descriptor("how many of the last lines to show first") @Parameter(names = {"-n", "--lines"}, absentValue = "10") String lines,
            @Descriptor("stop following after this many seconds") @Parameter(names = {"-s", "--seconds"}, absentValue = "") String seconds)
            throws InterruptedException {
        List<String> all = lines();
        int n = Args.integer("lines", lines, 0, Integer.MAX_VALUE);
        all.subList(Math.max(0, all.size() - n), all.size()).forEach(System.out::println);
        if (seconds.isEmpty() && System.console() == null) {
            return null;
        }
        long deadline = seconds.isEmpty() ? Long.MAX_VALUE
                : System.nanoTime() + Args.number("seconds", seconds, 1, 86_400) * 1_000_000_000L;
        int seen = all.size();
        String last = all.isEmpty() ? null : all.get(all.size() - 1);
        try {
            while (System.nanoTime() < deadline) {
                Thread.sleep(200);
                List<String> now = lines();
                int from = now.size() < seen || (last != null && seen > 0 && !now.get(seen - 1).equals(last)) ? 0 : seen;
                for (String l : now.subList(from, now.size())) {
                    System.out.println(l);
                }
                System.out.flush();
                seen = now.size();
                last = now.isEmpty() ? null : now.get(now.size() - 1);
            }
        } catch (InterruptedException e) {
            return null;
        }
        return null;
    }

    /**
     * Sets the level of every logger of the host (SLF4J and java.util.logging), now and for loggers
     * made later.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} for an unknown level; {@code EOPNOTSUPP} when
     *     the logging provider is not the one the host ships
     */
    @Descriptor("set the log level of every module: error, warn, info, debug or trace")
    public String set(@Descriptor("error, warn, info, debug or trace") String level) {
        String l = level.toLowerCase(Locale.ROOT);
        Integer simple = LEVELS.get(l);
        if (simple == null) {
            throw Errno.EINVAL.exception("level '" + level + "': error, warn, info, debug or trace");
        }
        Object factory = org.slf4j.LoggerFactory.getILoggerFactory();
        try {
            Field map = factory.getClass().getDeclaredField("loggerMap");
            map.setAccessible(true);
            for (Object logger : ((Map<?, ?>) map.get(factory)).values()) {
                Field current = field(logger.getClass(), "currentLogLevel");
                current.setAccessible(true);
                current.setInt(logger, simple);
            }
            Class<?> loggerClass = factory.getClass().getClassLoader().loadClass("org.slf4j.simple.SimpleLogger");
            Field config = loggerClass.getDeclaredField("CONFIG_PARAMS");
            config.setAccessible(true);
            Object params = config.get(null);
            Field dflt = params.getClass().getDeclaredField("defaultLogLevel");
            dflt.setAccessible(true);
            dflt.setInt(params, simple);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw Errno.EOPNOTSUPP.exception("the log provider " + factory.getClass().getName() + " cannot change its level here");
        }
        java.util.logging.Level jul = switch (l) {
            case "error" -> java.util.logging.Level.SEVERE;
            case "warn" -> java.util.logging.Level.WARNING;
            case "info" -> java.util.logging.Level.INFO;
            case "debug" -> java.util.logging.Level.FINE;
            default -> java.util.logging.Level.FINEST;
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(jul);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(jul);
        }
        return "log level is now " + l;
    }

    private static Field field(Class<?> c, String name) throws NoSuchFieldException {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                return k.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }

    /**
     * Answers arguments that no command of this scope takes: {@code CMD --help} prints its usage.
     *
     * @throws accelmm.api.ErrnoException {@code EINVAL} with the usage, for any other arguments
     */
    public Object _main(Object... args) {
        return Usage.fallback(this, "log", args);
    }
}
