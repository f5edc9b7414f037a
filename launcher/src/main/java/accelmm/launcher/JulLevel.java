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
        }
    }
}
