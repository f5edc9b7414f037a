package accelmm.workload;

import java.util.Locale;

/**
 * A small JSON writer for the reports: objects, arrays, strings (escaped), numbers, booleans
 * and null, with the commas placed for the caller.
 *
 * <p>Concurrency: one writer per thread.
 */
final class Json {
    private final StringBuilder b = new StringBuilder();
    private boolean first = true;

    Json open(char bracket) {
        separate();
        b.append(bracket);
        first = true;
        return this;
    }

    Json close(char bracket) {
        b.append(bracket);
        first = false;
        return this;
    }

    Json key(String k) {
        separate();
        b.append(quote(k)).append(':');
        first = true;
        return this;
    }

    Json value(String s) {
        return s == null ? nul() : raw(quote(s));
    }

    Json value(long v) {
        return raw(Long.toString(v));
    }

    Json value(boolean v) {
        return raw(Boolean.toString(v));
    }

    Json nul() {
        return raw("null");
    }

    Json raw(String text) {
        separate();
        b.append(text);
        first = false;
        return this;
    }

    private void separate() {
        if (!first) {
            b.append(',');
        }
        first = true;
    }

    @Override
    public String toString() {
        return b.toString();
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
