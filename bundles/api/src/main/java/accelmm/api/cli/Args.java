package accelmm.api.cli;

import java.util.Locale;

import accelmm.api.Errno;
import accelmm.api.ErrnoException;

/**
 * Parsing of shell command arguments, shared by the core's scopes and every driver's: numbers
 * in their exact range (never truncated), sizes with suffixes, addresses in hex. Commands take
 * their numbers as text and parse them here, so that {@code mm:maps 4294967297} is an error
 * and not pid 1.
 *
 * <p>Concurrency: stateless.
 */
public final class Args {
    private Args() {
    }

    /**
     * Parses a whole number in {@code [min, max]}: decimal, or hex after {@code 0x}.
     *
     * @param what what the number is, for the message ({@code "pid"}, {@code "fd"})
     * @throws ErrnoException {@code EINVAL} naming {@code what}, the text and the range
     */
    public static long number(String what, String text, long min, long max) {
        String t = text == null ? "" : text.trim();
        long v;
        try {
            boolean hex = t.startsWith("0x") || t.startsWith("0X");
            v = hex ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw Errno.EINVAL.exception(what + " '" + t + "' is not a whole number"
                    + (digitsOnly(t) ? " in range (" + min + " to " + max + ")" : ""));
        }
        if (v < min || v > max) {
            throw Errno.EINVAL.exception(what + " " + t + " is out of range (" + min + " to " + max + ")");
        }
        return v;
    }

    /** Digits that did not parse are a number too large for 64 bits. */
    private static boolean digitsOnly(String t) {
        return t.matches("-?[0-9]+|-?0[xX][0-9a-fA-F]+");
    }

    /**
     * Parses an int in {@code [min, max]}.
     *
     * @throws ErrnoException {@code EINVAL} as {@link #number}
     */
    public static int integer(String what, String text, int min, int max) {
        return (int) number(what, text, min, max);
    }

    /**
     * Parses a process id (1 to {@code INT_MAX}).
     *
     * @throws ErrnoException {@code EINVAL} for anything else
     */
    public static int pid(String text) {
        return integer("pid", text, 1, Integer.MAX_VALUE);
    }

    /**
     * Parses a file descriptor (0 to {@code INT_MAX}).
     *
     * @throws ErrnoException {@code EINVAL} for anything else
     */
    public static int fd(String text) {
        return integer("fd", text, 0, Integer.MAX_VALUE);
    }

    /**
     * Parses a byte count: a number with an optional suffix {@code k}, {@code m}, {@code g} or
     * {@code t} (powers of 1024), from {@code min} up to {@code Long.MAX_VALUE}.
     *
     * @throws ErrnoException {@code EINVAL} for text that is not a size, or one out of range
     */
    public static long size(String what, String text, long min) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int shift = t.endsWith("k") ? 10 : t.endsWith("m") ? 20 : t.endsWith("g") ? 30 : t.endsWith("t") ? 40 : 0;
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        long n;
        try {
            n = digits.startsWith("0x") ? Long.parseLong(digits.substring(2), 16) : Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw Errno.EINVAL.exception(what + " '" + text + "' is not a size (a number, optionally with k, m, g or t)");
        }
        if (n < 0 || n > (Long.MAX_VALUE >> shift) || (n << shift) < min) {
            throw Errno.EINVAL.exception(what + " " + text + " is out of range (" + min + " to " + Long.MAX_VALUE + " bytes)");
        }
        return n << shift;
    }

    /**
     * Parses a virtual address: an unsigned 64-bit number, hex after {@code 0x}, else decimal.
     *
     * @throws ErrnoException {@code EINVAL} for text that is not one
     */
    public static long address(String text) {
        String t = text == null ? "" : text.trim();
        try {
            return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16)
                    : Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw Errno.EINVAL.exception("'" + t + "' is not an address (0x... or a decimal number below 2^64)");
        }
    }
}
