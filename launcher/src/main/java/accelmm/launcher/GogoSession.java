package accelmm.launcher;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A Gogo command session driven from outside the framework. The launcher's class path holds only
 * the framework, so the Gogo API is reached by reflection on the runtime bundle's own classes.
 *
 * <p>Concurrency: one session per thread.
 */
public final class GogoSession implements AutoCloseable {
    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";
    private static final int INSPECT = 0;
    /** The command search order, the same as {@code gosh_profile}'s. */
    static final String SCOPE = "shell:gogo:*";

    private final BundleContext context;
    private final ServiceReference<?> ref;
    private final Object session;
    private final Method execute;
    private final Method format;
    private final Method close;

    /**
     * Opens a session on the framework's command processor.
     *
     * @throws IllegalStateException if there is no command processor
     */
    public GogoSession(BundleContext context, InputStream in, PrintStream out, PrintStream err) throws Exception {
        this.context = context;
        this.ref = context.getServiceReference(PROCESSOR);
        if (ref == null) {
            throw new IllegalStateException("no Gogo command processor is running");
        }
        Object processor = context.getService(ref);
        Class<?> processorType = ref.getBundle().loadClass(PROCESSOR);
        Class<?> sessionType = ref.getBundle().loadClass(SESSION);
        this.session = processorType.getMethod("createSession", InputStream.class, java.io.OutputStream.class,
                java.io.OutputStream.class).invoke(processor, in, out, err);
        this.execute = sessionType.getMethod("execute", CharSequence.class);
        // As the interactive shell's profile: accelmm's help and unknown-command answer come first.
        sessionType.getMethod("put", String.class, Object.class).invoke(session, "SCOPE", SCOPE);
        this.format = sessionType.getMethod("format", Object.class, int.class);
        this.close = sessionType.getMethod("close");
    }

    /**
     * Runs one statement.
     *
     * @return its result, possibly null
     * @throws Exception what the command threw
     */
    public Object execute(String statement) throws Exception {
        try {
            return execute.invoke(session, statement);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** Formats a result the way the interactive shell prints it. */
    public String format(Object result) throws Exception {
        return String.valueOf(format.invoke(session, result, INSPECT));
    }

    @Override
    public void close() {
        try {
            close.invoke(session);
        } catch (ReflectiveOperationException e) {
            // the session is gone with the framework
        } finally {
            context.ungetService(ref);
        }
    }
}
