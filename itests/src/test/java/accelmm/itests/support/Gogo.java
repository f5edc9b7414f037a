package accelmm.itests.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/** Runs a shell command in a fresh Gogo session and returns what the shell would print. */
public final class Gogo {
    private Gogo() {
    }

    /**
     * Runs {@code command}; its printed output followed by its formatted result.
     *
     * @throws Exception what the command threw
     */
    public static String run(CommandProcessor processor, String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        session.put("SCOPE", "shell:gogo:*");
        try {
            Object result = session.execute(command);
            return out + (result == null ? "" : session.format(result, Converter.INSPECT).toString());
        } finally {
            session.close();
        }
    }

    /**
     * Runs {@code command}, which must fail with an errno, and returns the failure.
     *
     * @throws AssertionError if it succeeds
     */
    public static accelmm.api.ErrnoException failure(CommandProcessor processor, String command) throws Exception {
        try {
            run(processor, command);
        } catch (accelmm.api.ErrnoException e) {
            return e;
        }
        throw new AssertionError(command + " did not fail");
    }
}
