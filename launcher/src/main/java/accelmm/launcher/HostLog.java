package accelmm.launcher;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The host's log: everything the host's bundles write to standard error (SLF4J, java.util.logging,
 * FileInstall) goes on to the terminal and is kept, its last {@link #CAPACITY} lines, for the
 * shell's {@code log:display} and {@code log:tail}. It is offered to the bundles as a
 * {@code java.util.function.Supplier} service with the property {@value #PROPERTY}{@code =true},
 * whose {@code get()} returns the kept lines, oldest first.
 *
 * <p>Concurrency: thread-safe; writers and readers synchronize on the line buffer.
 */
final class HostLog implements Supplier<List<String>> {
    /** The service property the shell looks the log up by. */
    static final String PROPERTY = "accelmm.host.log";
    /** How many lines are kept. */
    static final int CAPACITY = 10_000;

    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final PrintStream original;
    private long total;

    private HostLog(PrintStream original) {
        this.original = original;
    }

    /** Puts a log in front of {@code System.err}; {@link #close()} takes it away. */
    static HostLog install() {
        HostLog log = new HostLog(System.err);
        System.setErr(new PrintStream(log.sink(), true, StandardCharsets.UTF_8));
        return log;
    }

    /** Gives standard error back. */
    void close() {
        System.setErr(original);
    }

    private OutputStream sink() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                keep(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                keep(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
    }

    private synchronized void keep(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                String line = partial.toString(StandardCharsets.UTF_8);
                partial.reset();
                lines.addLast(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                total++;
                if (lines.size() > CAPACITY) {
                    lines.removeFirst();
                }
            } else {
                partial.write(b[i]);
            }
        }
    }

    /** The kept lines, oldest first. */
    @Override
    public synchronized List<String> get() {
        return new ArrayList<>(lines);
    }

    /** How many lines were ever written (to follow the log: lines past the last count seen). */
    synchronized long total() {
        return total;
    }
}
