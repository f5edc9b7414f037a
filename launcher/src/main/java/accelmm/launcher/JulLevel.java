package accelmm.launcher;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies the {@code --log} level to java.util.logging, which some host bundles (SPI Fly) log to
 * instead of SLF4J.
 *
 * <p>Concurrency: called once, before the framework starts.
 */
final class JulLevel {
    /** Held so the configured logger is not collected and its level lost. */
    private static Logger root;

    /**
     * One line per record, as SLF4J Simple writes them: {@code LEVEL logger - message: cause}. A
     * stack trace only at debug level and finer, so a bundle that fails to start in {@code deploy/}
     * is a sentence, not forty lines.
     */
    static final java.util.logging.Formatter ONE_LINE = new java.util.logging.Formatter() {
        @Override
        public String format(java.util.logging.LogRecord r) {
            String level = switch (r.getLevel().getName()) {
                case "SEVERE" -> "ERROR";
                case "WARNING" -> "WARN";
                case "INFO", "CONFIG" -> "INFO";
                default -> "DEBUG";
            };
            StringBuilder b = new StringBuilder(level).append(' ').append(r.getLoggerName() == null ? "" : r.getLoggerName())
                    .append(" - ").append(formatMessage(r));
            Throwable t = r.getThrown();
            if (t != null) {
                b.append(": ").append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
                if (r.getLevel().intValue() <= Level.FINE.intValue()) {
                    java.io.StringWriter w = new java.io.StringWriter();
                    t.printStackTrace(new java.io.PrintWriter(w));
                    b.append(System.lineSeparator()).append(w);
                }
            }
            return b.append(System.lineSeparator()).toString();
        }
    };

    private JulLevel() {
    }

    static void apply(String level) {
        Level jul = switch (level) {
            case "error" -> Level.SEVERE;
            case "warn" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            default -> Level.FINEST;
        };
        root = Logger.getLogger("");
        root.setLevel(jul);
        for (var h : root.getHandlers()) {
            h.setLevel(jul);
            h.setFormatter(ONE_LINE);
        }
    }
}
